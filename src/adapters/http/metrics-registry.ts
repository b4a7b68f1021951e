/** Label values of one series. */
export type Labels = Readonly<Record<string, string>>

interface Family {
  readonly name: string
  readonly help: string
  readonly type: "counter" | "gauge" | "histogram"
  readonly series: Map<string, { labels: Labels; value: number; buckets?: number[]; sum?: number; count?: number }>
  readonly buckets?: ReadonlyArray<number>
}

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')
const keyOf = (labels: Labels) => {
  const names = Object.keys(labels)
  if (names.length > 1) names.sort()
  let key = ""
  for (const name of names) key += `${name}\u0000${labels[name]}\u0001`
  return key
}
const fmtLabels = (labels: Labels, extra?: [string, string]) => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`)
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`)
  return parts.length ? `{${parts.join(",")}}` : ""
}
const fmtNum = (n: number) => (Number.isFinite(n) ? String(n) : n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN")

/** A minimal Prometheus registry: counters, gauges, histograms, and collectors run at scrape time. */
export class MetricsRegistry {
  private readonly families = new Map<string, Family>()
  private readonly collectors: Array<() => Promise<void> | void> = []

  private family(name: string, help: string, type: Family["type"], buckets?: ReadonlyArray<number>): Family {
    let f = this.families.get(name)
    if (!f) this.families.set(name, (f = { name, help, type, series: new Map(), ...(buckets ? { buckets } : {}) }))
    return f
  }

  /** Declares a counter; `inc(labels, by)` adds to it. */
  counter(name: string, help: string) {
    const f = this.family(name, help, "counter")
    const add = (k: string, labels: Labels, by: number) => {
      const s = f.series.get(k)
      if (s) s.value += by
      else f.series.set(k, { labels, value: by })
    }
    return {
      inc: (labels: Labels = {}, by = 1) => add(keyOf(labels), labels, by),
      /** `inc` of one fixed series, with its key computed once (for a hot path). */
      bind: (labels: Labels) => {
        const k = keyOf(labels)
        return (by = 1) => add(k, labels, by)
      }
    }
  }

  /** Declares a gauge; `set` replaces a series, `reset` drops every series (for scrape-time snapshots). */
  gauge(name: string, help: string) {
    const f = this.family(name, help, "gauge")
    return {
      set: (labels: Labels, value: number) => void f.series.set(keyOf(labels), { labels, value }),
      add: (labels: Labels, by: number) => {
        const k = keyOf(labels)
        const s = f.series.get(k)
        if (s) s.value += by
        else f.series.set(k, { labels, value: by })
      },
      reset: () => f.series.clear()
    }
  }

  /** Declares a histogram with upper bounds `buckets` (ascending; `+Inf` is implied). */
  histogram(name: string, help: string, buckets: ReadonlyArray<number>) {
    const f = this.family(name, help, "histogram", buckets)
    const observe = (k: string, labels: Labels, value: number) => {
      let s = f.series.get(k)
      if (!s) f.series.set(k, (s = { labels, value: 0, buckets: buckets.map(() => 0), sum: 0, count: 0 }))
      for (let i = 0; i < buckets.length; i++) if (value <= buckets[i]!) s.buckets![i]!++
      s.sum! += value
      s.count!++
    }
    return {
      observe: (labels: Labels, value: number) => observe(keyOf(labels), labels, value),
      /** `observe` of one fixed series, with its key computed once (for a hot path). */
      bind: (labels: Labels) => {
        const k = keyOf(labels)
        return (value: number) => observe(k, labels, value)
      },
      /** Replaces a series with a snapshot kept elsewhere (`buckets[i]` = values `<= buckets[i]` bound, cumulative). */
      set: (labels: Labels, snapshot: { readonly buckets: ReadonlyArray<number>; readonly sum: number; readonly count: number }) => {
        if (snapshot.buckets.length !== buckets.length) throw new Error(`${name}: a snapshot needs ${buckets.length} buckets, got ${snapshot.buckets.length}`)
        f.series.set(keyOf(labels), { labels, value: 0, buckets: [...snapshot.buckets], sum: snapshot.sum, count: snapshot.count })
      },
      reset: () => f.series.clear()
    }
  }

  /** Runs before every scrape (snapshot gauges from the core). */
  onCollect(collect: () => Promise<void> | void): void {
    this.collectors.push(collect)
  }

  /** Prometheus text exposition format 0.0.4. */
  async render(): Promise<string> {
    for (const collect of this.collectors) await collect()
    const out: string[] = []
    for (const f of this.families.values()) {
      out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`)
      for (const s of f.series.values()) {
        if (f.type !== "histogram") {
          out.push(`${f.name}${fmtLabels(s.labels)} ${fmtNum(s.value)}`)
          continue
        }
        f.buckets!.forEach((le, i) => out.push(`${f.name}_bucket${fmtLabels(s.labels, ["le", fmtNum(le)])} ${s.buckets![i]}`))
        out.push(`${f.name}_bucket${fmtLabels(s.labels, ["le", "+Inf"])} ${s.count}`)
        out.push(`${f.name}_sum${fmtLabels(s.labels)} ${fmtNum(s.sum!)}`, `${f.name}_count${fmtLabels(s.labels)} ${s.count}`)
      }
    }
    return out.join("\n") + "\n"
  }
}
