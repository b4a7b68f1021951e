// The bench's native reference: libzstd + libcapnp reading an rlog's CAN frames, schema-less.
// Layout (as src/core/log knows it): Event = logMonoTime u64 @0, union tag u16 @8, union member = pointer 0;
// `can` is tag 4, a List(CanData); CanData = address u32 @0, src u8 @6, dat = pointer 0.
// Usage: native-reader FILE... (a route's segments in order) → prints "<frames> <sum>".
#include <capnp/any.h>
#include <capnp/serialize.h>
#include <kj/io.h>
#include <zstd.h>
#include <cstdio>
#include <cstring>
#include <vector>

class ZstdFileInput : public kj::InputStream {
 public:
  explicit ZstdFileInput(FILE* f) : file(f), in(ZSTD_DStreamInSize()), dctx(ZSTD_createDCtx()) {
    size_t n = fread(in.data(), 1, 4, file);
    inLen = n;
    zstd = n == 4 && in[0] == 0x28 && in[1] == 0xb5 && in[2] == 0x2f && in[3] == 0xfd;
  }
  ~ZstdFileInput() { ZSTD_freeDCtx(dctx); }
  size_t tryRead(void* buffer, size_t minBytes, size_t maxBytes) override {
    size_t got = 0;
    while (got < minBytes) {
      if (inPos == inLen) {
        inLen = fread(in.data(), 1, in.size(), file);
        inPos = 0;
        if (inLen == 0) break;
      }
      if (!zstd) {
        size_t n = std::min(maxBytes - got, inLen - inPos);
        memcpy(static_cast<char*>(buffer) + got, in.data() + inPos, n);
        inPos += n;
        got += n;
        continue;
      }
      ZSTD_inBuffer src = {in.data(), inLen, inPos};
      ZSTD_outBuffer dst = {static_cast<char*>(buffer) + got, maxBytes - got, 0};
      size_t r = ZSTD_decompressStream(dctx, &dst, &src);
      if (ZSTD_isError(r)) KJ_FAIL_REQUIRE("zstd", ZSTD_getErrorName(r));
      inPos = src.pos;
      got += dst.pos;
    }
    return got;
  }

 private:
  FILE* file;
  std::vector<unsigned char> in;
  size_t inLen = 0, inPos = 0;
  bool zstd = false;
  ZSTD_DCtx* dctx;
};

int main(int argc, char** argv) {
  unsigned long long frames = 0, sum = 0;
  capnp::ReaderOptions options;
  options.traversalLimitInWords = ~0ull >> 4;
  for (int i = 1; i < argc; i++) {
    FILE* f = fopen(argv[i], "rb");
    if (!f) return 2;
    ZstdFileInput zin(f);
    kj::BufferedInputStreamWrapper in(zin);
    while (in.tryGetReadBuffer().size() > 0) {
      capnp::InputStreamMessageReader message(in, options);
      auto event = message.getRoot<capnp::AnyStruct>();
      auto data = event.getDataSection();
      if (data.size() < 10 || (data[8] | (data[9] << 8)) != 4) continue;
      auto ptrs = event.getPointerSection();
      if (ptrs.size() < 1) continue;
      for (auto can : ptrs[0].getAs<capnp::AnyList>().as<capnp::List<capnp::AnyStruct>>()) {
        auto d = can.getDataSection();
        unsigned address = d.size() >= 4 ? d[0] | (d[1] << 8) | (d[2] << 16) | ((unsigned)d[3] << 24) : 0;
        unsigned src = d.size() >= 7 ? d[6] : 0;
        auto cp = can.getPointerSection();
        size_t len = cp.size() >= 1 ? cp[0].getAs<capnp::Data>().size() : 0;
        sum += address + src + len;
        frames++;
      }
    }
    fclose(f);
  }
  printf("%llu %llu\n", frames, sum);
  return 0;
}
