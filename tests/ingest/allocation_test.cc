// Steady state allocates nothing: after a warm-up pass, decoding the same
// kind of traffic into a cleared batch makes no heap allocation. Counts
// global operator new calls in this test binary.
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include <catch2/catch.hpp>

#include "ingest/event_decoder.h"
#include "test_support.h"

namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

// Every replaceable form that simdjson and the standard library use, so
// that allocation and release always pair malloc with free.
namespace {
void* counted_malloc(std::size_t size) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
}  // namespace

void* operator new(std::size_t size) {
  if (void* block = counted_malloc(size)) return block;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  if (void* block = counted_malloc(size)) return block;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_malloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted_malloc(size); }
void operator delete(void* block) noexcept { std::free(block); }
void operator delete[](void* block) noexcept { std::free(block); }
void operator delete(void* block, std::size_t) noexcept { std::free(block); }
void operator delete[](void* block, std::size_t) noexcept { std::free(block); }
void operator delete(void* block, const std::nothrow_t&) noexcept { std::free(block); }
void operator delete[](void* block, const std::nothrow_t&) noexcept { std::free(block); }

namespace driftd::ingest {
namespace {

TEST_CASE("Decoding allocates nothing in steady state") {
  testing::TableResolver resolver;
  DecoderSchema schema;
  schema.add_numeric("x", "/x")
      .add_numeric("deep", "/n/y")
      .add_categorical("c", "/c")
      .set_event_time("/t", TimeUnit::kSeconds);
  EventDecoder decoder(schema, {&resolver});
  DecodedBatch batch;

  std::string body;
  for (int i = 0; i < 500; ++i) {
    body += "{\"x\": " + std::to_string(i) + ", \"c\": \"" + (i % 2 ? "a" : "b") +
            "\", \"n\": {\"y\": 1.5, \"z\": [1, 2]}, \"t\": " + std::to_string(1700000000 + i) +
            ", \"noise\": \"caf\\u00e9\"}\n";
    if (i % 50 == 0) body += "{broken\n{\"x\": 1}\n";  // malformed, invalid event time
  }
  const std::string message = R"({"t": 1, "x": 2, "c": "a"})";  // unpadded: copied
  const testing::Padded padded(body);
  const auto pass = [&] {
    batch.clear();
    decoder.decode_ndjson(padded.view(), padded.capacity(), batch);
    decoder.decode_one(message, message.size(), batch);
  };
  const std::size_t start = g_allocations.load();
  pass();  // warm-up: parser, scratch buffer, columns, resolver table
  const std::size_t before = g_allocations.load();
  CHECK(before > start);  // the counter sees the warm-up
  pass();
  pass();
  CHECK(g_allocations.load() == before);
  CHECK(batch.rows() == 501);
  CHECK(batch.malformed() == 10);
  CHECK(batch.invalid_event_time() == 10);
}

}  // namespace
}  // namespace driftd::ingest
