/**
 * Node flags a process serving HTTP should start with (`cts serve` does; pass them to `node` when
 * embedding `startServer`). `--single-threaded-gc`: every V8 isolate (the thread
 * serving requests and each run's worker thread) collects its own garbage on its own thread. Without
 * it, all isolates share one pool of normal-priority GC helper threads, so an allocation-heavy run
 * (whose thread is lowered to idle priority) still competes with request handling through its
 * garbage collection: measured on 2 cores, GET p99 ~10 ms instead of ~3–5 ms during two CPU-heavy runs.
 */
export const SERVER_NODE_FLAGS: ReadonlyArray<string> = ["--single-threaded-gc"]
