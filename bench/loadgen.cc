// loadgen: the end-to-end load generator for driftd. It produces 10-feature
// JSON events (7 numeric, 3 categorical, ~200 bytes each) to a Kafka topic or
// posts them as NDJSON bodies to driftd's HTTP ingest, and reports the rate.
// scripts/loadgen drives it and driftd together; figures in docs/performance.md.
//
//   loadgen kafka --brokers H:P --topic T --events N [--drift-after K] [--seed S]
//                 [--rate EVENTS_PER_S [--mark-windows CAPTURE:WINDOW]]
//                 [--event-rate EVENTS_PER_S]
//   loadgen http  --url http://HOST:PORT/v1/streams/NAME/events --events N
//                 [--batch 1000] [--connections C] [--drift-after K] [--seed S]
//   loadgen features    the "features" array of a driftd stream for these events
//
// Events are generated before any timing starts, from one seeded generator,
// into one buffer of newline-terminated lines: a Kafka message is a line
// without its newline (handed to librdkafka without a copy), an HTTP body is a
// run of consecutive lines. With --drift-after K, `amount` (the first
// feature) grows by 25% from event K on.
//
// kafka: an idempotent producer (acks=all, linger.ms=5, 1 MB batches, no
// compression) produces as fast as it can, or at --rate; it waits for every
// delivery report and fails on any failed delivery. --mark-windows C:W (with
// --rate) prints when the last event of each count window was handed to the
// producer, assuming one partition, a reference capture of the first C events
// and windows of W events after it: the start of the event-to-row delay.
// --event-rate R stamps the messages as if R events happened each second from
// the start (second-aligned): event i's timestamp is start + floor(i * 1000 /
// R) ms, whatever the rate they are produced at (event-time windows of a
// known size from a backlog).
// http: C threads, one keep-alive connection each, post batches taken in
// order from a shared counter; anything but 202 with every event accepted
// stops the run with exit code 1. The result gives the p50 and p99 of the
// request latency (body written to answer read).
//
// The last line on stdout is the result as key=value pairs, for scripts;
// started_unix_ms is when the timed part began (after the generation).
#include <librdkafka/rdkafka.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/span.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr const char* kUsage =
    "usage: loadgen kafka --brokers H:P --topic T --events N [--drift-after K] [--seed S]\n"
    "                     [--rate EVENTS_PER_S [--mark-windows CAPTURE:WINDOW]]\n"
    "                     [--event-rate EVENTS_PER_S]\n"
    "       loadgen http  --url http://HOST:PORT/v1/streams/NAME/events --events N\n"
    "                     [--batch 1000] [--connections C] [--drift-after K] [--seed S]\n"
    "       loadgen features\n";

// A mistake in the command line: reported with the usage, exit code 64.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---------------------------------------------------------------------------
// Events

struct FeatureDefinition {
  const char* name;
  bool numeric;
};

// In the order every event writes them.
constexpr FeatureDefinition kFeatures[] = {
    {"amount", true},       {"latency_ms", true},  {"session_secs", true},
    {"items_in_cart", true}, {"model_score", true}, {"account_age_days", true},
    {"page_views", true},   {"country", false},    {"device", false},
    {"payment_method", false}};

constexpr double kDriftFactor = 1.25;  // amount's growth from --drift-after on

// Every event followed by '\n', back to back.
class EventLines {
 public:
  void reserve(std::size_t events, std::size_t bytes) {
    starts_.reserve(events + 1);
    text_.reserve(bytes);
  }
  // Starts event i; the caller appends its text and calls end_event().
  std::string& begin_event() {
    starts_.push_back(text_.size());
    return text_;
  }
  void end_event() { text_ += '\n'; }

  std::size_t size() const { return starts_.size(); }
  std::size_t bytes() const { return text_.size(); }
  // Event i without its newline.
  std::string_view event(std::size_t i) const {
    return {text_.data() + starts_[i], end_of(i) - starts_[i] - 1};
  }
  // Events [first, last) as NDJSON, newlines included.
  std::string_view lines(std::size_t first, std::size_t last) const {
    return {text_.data() + starts_[first], end_of(last - 1) - starts_[first]};
  }

 private:
  std::size_t end_of(std::size_t i) const {
    return i + 1 < starts_.size() ? starts_[i + 1] : text_.size();
  }
  std::string text_;
  std::vector<std::size_t> starts_;
};

void append_fixed(std::string& out, double value, int precision) {
  char digits[48];
  const auto end = std::to_chars(digits, digits + sizeof digits, value, std::chars_format::fixed,
                                 precision).ptr;
  out.append(digits, end);
}

void append_integer(std::string& out, long long value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

// Distributions shaped like a shop's checkout events: skewed amounts and
// latencies, counts, a score in (0, 1), skewed categories.
class EventGenerator {
 public:
  explicit EventGenerator(std::uint64_t seed) : rng_(seed) {}

  void append_event(std::string& out, bool drifted) {
    out += R"({"amount":)";
    append_fixed(out, amount_(rng_) * (drifted ? kDriftFactor : 1.0), 2);
    out += R"(,"latency_ms":)";
    append_fixed(out, latency_(rng_), 3);
    out += R"(,"session_secs":)";
    append_fixed(out, session_(rng_), 1);
    out += R"(,"items_in_cart":)";
    append_integer(out, items_(rng_) + 1);
    out += R"(,"model_score":)";
    append_fixed(out, 1.0 / (1.0 + std::exp(-score_logit_(rng_))), 6);
    out += R"(,"account_age_days":)";
    append_integer(out, account_age_(rng_));
    out += R"(,"page_views":)";
    append_integer(out, page_views_(rng_) + 1);
    out += R"(,"country":")";
    out += kCountries[country_(rng_)];
    out += R"(","device":")";
    out += kDevices[device_(rng_)];
    out += R"(","payment_method":")";
    out += kPaymentMethods[payment_(rng_)];
    out += "\"}";
  }

 private:
  static constexpr const char* kCountries[] = {"US", "DE", "GB", "FR", "IT", "ES",
                                               "NL", "PL", "SE", "BR", "JP", "IN"};
  static constexpr const char* kDevices[] = {"mobile", "desktop", "tablet", "tv_app"};
  static constexpr const char* kPaymentMethods[] = {"card", "paypal", "bank_transfer",
                                                    "apple_pay", "gift_card"};

  std::mt19937_64 rng_;
  std::lognormal_distribution<double> amount_{3.6, 0.7};
  std::gamma_distribution<double> latency_{2.0, 18.0};
  std::exponential_distribution<double> session_{1.0 / 240.0};
  std::poisson_distribution<int> items_{2.5};
  std::normal_distribution<double> score_logit_{0.8, 1.1};
  std::uniform_int_distribution<int> account_age_{0, 3650};
  std::geometric_distribution<int> page_views_{0.12};
  std::discrete_distribution<int> country_{30, 14, 10, 9, 7, 6, 5, 5, 4, 4, 3, 3};
  std::discrete_distribution<int> device_{60, 30, 8, 2};
  std::discrete_distribution<int> payment_{55, 20, 12, 10, 3};
};

EventLines generate_events(std::size_t count, std::optional<std::size_t> drift_after,
                           std::uint64_t seed) {
  const auto started = Clock::now();
  EventGenerator generator(seed);
  EventLines events;
  events.reserve(count, count * 210);
  for (std::size_t i = 0; i < count; ++i) {
    generator.append_event(events.begin_event(), drift_after && i >= *drift_after);
    events.end_event();
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::fprintf(stderr, "loadgen: generated %zu events (%.1f MB, %.1f bytes each) in %.2f s\n",
               count, static_cast<double>(events.bytes()) / 1e6,
               static_cast<double>(events.bytes()) / static_cast<double>(count), seconds);
  return events;
}

void print_features() {
  nlohmann::json features = nlohmann::json::array();
  for (const FeatureDefinition& feature : kFeatures) {
    features.push_back({{"name", feature.name},
                        {"path", std::string("/") + feature.name},
                        {"type", feature.numeric ? "numeric" : "categorical"}});
  }
  std::printf("%s\n", features.dump().c_str());
}

// ---------------------------------------------------------------------------
// Command line: "--name value" pairs, each name known to the mode.

class Options {
 public:
  Options(int argc, char** argv, std::initializer_list<std::string_view> known) {
    for (int i = 2; i < argc; i += 2) {
      const std::string_view name = argv[i];
      if (name.substr(0, 2) != "--" || std::find(known.begin(), known.end(), name.substr(2)) ==
                                           known.end()) {
        throw UsageError("unknown option '" + std::string(name) + "'");
      }
      if (i + 1 >= argc) throw UsageError("option '" + std::string(name) + "' needs a value");
      values_[std::string(name.substr(2))] = argv[i + 1];
    }
  }

  bool has(const std::string& name) const { return values_.count(name) != 0; }

  std::string text(const std::string& name) const {
    if (!has(name)) throw UsageError("--" + name + " is required");
    return values_.at(name);
  }

  std::uint64_t number(const std::string& name, std::optional<std::uint64_t> fallback = {}) const {
    if (!has(name)) {
      if (fallback) return *fallback;
      throw UsageError("--" + name + " is required");
    }
    return parse_number(name, values_.at(name));
  }

  static std::uint64_t parse_number(const std::string& name, std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
      throw UsageError("--" + name + " must be a non-negative integer, got '" +
                       std::string(text) + "'");
    }
    return value;
  }

 private:
  std::map<std::string, std::string> values_;
};

std::size_t event_count(const Options& options) {
  const std::size_t count = options.number("events");
  if (count == 0) throw UsageError("--events must be at least 1");
  return count;
}

std::optional<std::size_t> drift_after(const Options& options) {
  if (!options.has("drift-after")) return std::nullopt;
  return options.number("drift-after");
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double unix_ms_now() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ---------------------------------------------------------------------------
// Kafka

struct DeliveryTally {
  std::size_t delivered = 0;
  std::size_t failed = 0;
  std::string first_error;
};

// Called from rd_kafka_poll()/rd_kafka_flush() on the producing thread.
void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto& tally = *static_cast<DeliveryTally*>(opaque);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++tally.delivered;
  } else {
    if (tally.failed++ == 0) tally.first_error = rd_kafka_err2str(message->err);
  }
}

struct KafkaDeleter {
  void operator()(rd_kafka_t* kafka) const { rd_kafka_destroy(kafka); }
  void operator()(rd_kafka_topic_t* topic) const { rd_kafka_topic_destroy(topic); }
};

std::unique_ptr<rd_kafka_t, KafkaDeleter> make_producer(const std::string& brokers,
                                                        DeliveryTally& tally) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const std::pair<const char*, std::string> settings[] = {
      {"bootstrap.servers", brokers},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"linger.ms", "5"},
      {"batch.size", "1000000"},
      {"batch.num.messages", "100000"},
      {"compression.type", "none"},
      {"queue.buffering.max.messages", "2000000"},
      {"queue.buffering.max.kbytes", "1048576"},
  };
  char error[512];
  for (const auto& [name, value] : settings) {
    if (rd_kafka_conf_set(conf, name, value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(std::string("producer setting ") + name + ": " + error);
    }
  }
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, &tally);
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (producer == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("creating the producer: ") + error);
  }
  return std::unique_ptr<rd_kafka_t, KafkaDeleter>(producer);
}

// The windows whose last event's hand-over time --mark-windows asks for.
struct WindowMarks {
  std::size_t capture = 0;
  std::size_t window = 0;

  bool closes_window(std::size_t event) const {
    return event >= capture && (event - capture + 1) % window == 0;
  }
  std::size_t window_of(std::size_t event) const { return (event - capture) / window; }
};

WindowMarks parse_window_marks(const std::string& text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos) throw UsageError("--mark-windows must be CAPTURE:WINDOW");
  const std::string_view both = text;
  WindowMarks marks{Options::parse_number("mark-windows", both.substr(0, colon)),
                    Options::parse_number("mark-windows", both.substr(colon + 1))};
  if (marks.window == 0) throw UsageError("--mark-windows: WINDOW must be at least 1");
  return marks;
}

int run_kafka(const Options& options) {
  const std::string brokers = options.text("brokers");
  const std::string topic_name = options.text("topic");
  const std::size_t count = event_count(options);
  const std::uint64_t rate = options.number("rate", 0);
  std::optional<WindowMarks> marks;
  if (options.has("mark-windows")) {
    if (rate == 0) throw UsageError("--mark-windows needs --rate");
    marks = parse_window_marks(options.text("mark-windows"));
  }
  const std::uint64_t event_rate = options.number("event-rate", 0);
  const EventLines events = generate_events(count, drift_after(options), options.number("seed", 1));

  DeliveryTally tally;
  auto producer = make_producer(brokers, tally);
  std::unique_ptr<rd_kafka_topic_t, KafkaDeleter> topic(
      rd_kafka_topic_new(producer.get(), topic_name.c_str(), nullptr));
  if (!topic) {
    throw std::runtime_error(std::string("topic handle: ") +
                             rd_kafka_err2str(rd_kafka_last_error()));
  }

  // (window index, unix ms when its last event was handed to the producer)
  std::vector<std::pair<std::size_t, double>> window_ends;
  const double started_unix_ms = unix_ms_now();
  const auto first_timestamp = static_cast<std::int64_t>(started_unix_ms) / 1000 * 1000;
  const auto started = Clock::now();
  for (std::size_t i = 0; i < count; ++i) {
    if (rate != 0) {
      const auto due = started + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(static_cast<double>(i) /
                                                                   static_cast<double>(rate)));
      if (due > Clock::now() + std::chrono::milliseconds(1)) {
        rd_kafka_poll(producer.get(), 0);
        std::this_thread::sleep_until(due);
      }
    }
    const std::string_view event = events.event(i);
    // Flags 0: librdkafka neither copies nor frees the payload, which lives
    // in `events` until the end. Timestamp 0: the time of the call.
    const std::int64_t timestamp =
        event_rate == 0 ? 0
                        : first_timestamp + static_cast<std::int64_t>(i * 1000 / event_rate);
    for (;;) {
      const rd_kafka_resp_err_t error = rd_kafka_producev(
          producer.get(), RD_KAFKA_V_RKT(topic.get()),
          RD_KAFKA_V_VALUE(const_cast<char*>(event.data()), event.size()),
          RD_KAFKA_V_TIMESTAMP(timestamp), RD_KAFKA_V_END);
      if (error == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (error != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        throw std::runtime_error(std::string("produce: ") + rd_kafka_err2str(error));
      }
      rd_kafka_poll(producer.get(), 5);  // the local queue is full: let deliveries drain it
    }
    if (marks && marks->closes_window(i)) {
      window_ends.emplace_back(marks->window_of(i), unix_ms_now());
    }
    if (i % 1024 == 0) rd_kafka_poll(producer.get(), 0);
  }
  const double handed_over_seconds = seconds_since(started);
  while (rd_kafka_outq_len(producer.get()) > 0) {
    const rd_kafka_resp_err_t error = rd_kafka_flush(producer.get(), 60'000);
    if (error == RD_KAFKA_RESP_ERR__TIMED_OUT) {
      throw std::runtime_error("deliveries still pending after 60 s");
    }
  }
  const double seconds = seconds_since(started);

  for (const auto& [window, unix_ms] : window_ends) {
    std::printf("window_end window=%zu last_event=%zu produced_unix_ms=%.3f\n", window,
                marks->capture + (window + 1) * marks->window - 1, unix_ms);
  }
  std::printf(
      "kafka produced=%zu delivered=%zu failed=%zu started_unix_ms=%.3f seconds=%.3f "
      "handed_over_seconds=%.3f events_per_s=%.0f bytes_per_event=%.1f\n",
      count, tally.delivered, tally.failed, started_unix_ms, seconds, handed_over_seconds,
      static_cast<double>(tally.delivered) / seconds,
      static_cast<double>(events.bytes()) / static_cast<double>(count) - 1.0);
  if (tally.failed != 0 || tally.delivered != count) {
    std::fprintf(stderr, "loadgen: %zu of %zu deliveries failed (first: %s)\n", tally.failed,
                 count, tally.first_error.c_str());
    return 1;
  }
  return 0;
}

// ---------------------------------------------------------------------------
// HTTP

struct HttpTarget {
  std::string host;
  std::string port;
  std::string path;
};

HttpTarget parse_url(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) throw UsageError("--url must start with http://");
  const std::size_t slash = url.find('/', kScheme.size());
  const std::string authority = url.substr(kScheme.size(), slash - kScheme.size());
  const std::size_t colon = authority.rfind(':');
  if (colon == std::string::npos || slash == std::string::npos) {
    throw UsageError("--url must be http://HOST:PORT/PATH");
  }
  return {authority.substr(0, colon), authority.substr(colon + 1), url.substr(slash)};
}

// What the posting threads share: the next batch to post and the first failure.
class HttpRun {
 public:
  HttpRun(const HttpTarget& target, const EventLines& events, std::size_t batch)
      : target_(target), events_(events), batch_(batch) {}

  // One thread's loop: one keep-alive connection, batches until none is left.
  void post_batches() {
    try {
      boost::asio::io_context io;
      tcp::socket socket(io);
      const auto endpoints = tcp::resolver(io).resolve(target_.host, target_.port);
      boost::asio::connect(socket, endpoints);
      beast::flat_buffer buffer;
      http::request<http::span_body<const char>> request{http::verb::post, target_.path, 11};
      request.set(http::field::host, target_.host);
      request.set(http::field::content_type, "application/x-ndjson");
      request.keep_alive(true);
      std::vector<double> latencies_ms;  // this thread's requests, merged at the end
      for (;;) {
        const std::size_t first = next_batch_.fetch_add(1, std::memory_order_relaxed) * batch_;
        if (first >= events_.size() || failed_.load(std::memory_order_relaxed)) break;
        const std::size_t last = std::min(first + batch_, events_.size());
        const std::string_view body = events_.lines(first, last);
        request.body() = {body.data(), body.size()};
        request.prepare_payload();
        const auto sent = Clock::now();
        http::write(socket, request);
        http::response<http::string_body> response;
        http::read(socket, buffer, response);
        latencies_ms.push_back(seconds_since(sent) * 1000.0);
        check_response(response, last - first);
        accepted_.fetch_add(last - first, std::memory_order_relaxed);
        if (!response.keep_alive()) {
          socket.close();
          boost::asio::connect(socket, endpoints);
        }
      }
      std::lock_guard lock(results_mutex_);
      latencies_ms_.insert(latencies_ms_.end(), latencies_ms.begin(), latencies_ms.end());
    } catch (const std::exception& error) {
      std::lock_guard lock(results_mutex_);
      if (!failed_.exchange(true)) first_error_ = error.what();
    }
  }

  std::size_t accepted() const { return accepted_.load(); }
  bool failed() const { return failed_.load(); }
  const std::string& first_error() const { return first_error_; }  // REQUIRES: threads joined
  // The q-quantile (0..1) of the request latencies, from write to answer, in
  // ms. REQUIRES: threads joined, some request answered.
  double latency_ms(double q) {
    std::sort(latencies_ms_.begin(), latencies_ms_.end());
    const auto rank = static_cast<std::size_t>(q * static_cast<double>(latencies_ms_.size() - 1));
    return latencies_ms_[rank];
  }

 private:
  static void check_response(const http::response<http::string_body>& response,
                             std::size_t posted) {
    if (response.result() != http::status::accepted) {
      throw std::runtime_error("HTTP " + std::to_string(response.result_int()) + ": " +
                               response.body());
    }
    const auto reply = nlohmann::json::parse(response.body());
    if (reply.at("accepted").get<std::size_t>() != posted) {
      throw std::runtime_error("not every event was accepted: " + response.body());
    }
  }

  const HttpTarget& target_;
  const EventLines& events_;
  const std::size_t batch_;
  std::atomic<std::size_t> next_batch_{0};
  std::atomic<std::size_t> accepted_{0};
  std::atomic<bool> failed_{false};
  std::mutex results_mutex_;
  std::string first_error_;            // guarded by results_mutex_
  std::vector<double> latencies_ms_;   // guarded by results_mutex_
};

int run_http(const Options& options) {
  const HttpTarget target = parse_url(options.text("url"));
  const std::size_t count = event_count(options);
  const std::size_t batch = options.number("batch", 1000);
  const std::size_t connections = options.number("connections", 2);
  if (batch == 0 || connections == 0) throw UsageError("--batch and --connections must be >= 1");
  const EventLines events = generate_events(count, drift_after(options), options.number("seed", 1));

  HttpRun run(target, events, batch);
  const double started_unix_ms = unix_ms_now();
  const auto started = Clock::now();
  std::vector<std::thread> threads;
  for (std::size_t c = 0; c < connections; ++c) {
    threads.emplace_back([&run] { run.post_batches(); });
  }
  for (std::thread& thread : threads) thread.join();
  const double seconds = seconds_since(started);
  if (run.failed()) {
    std::fprintf(stderr, "loadgen: http: %s\n", run.first_error().c_str());
    return 1;
  }
  std::printf(
      "http accepted=%zu started_unix_ms=%.3f seconds=%.3f events_per_s=%.0f "
      "bytes_per_event=%.1f latency_p50_ms=%.2f latency_p99_ms=%.2f\n",
      run.accepted(), started_unix_ms, seconds, static_cast<double>(run.accepted()) / seconds,
      static_cast<double>(events.bytes()) / static_cast<double>(count) - 1.0,
      run.latency_ms(0.5), run.latency_ms(0.99));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view mode = argc >= 2 ? argv[1] : "";
  try {
    if (mode == "kafka") {
      return run_kafka(Options(argc, argv, {"brokers", "topic", "events", "drift-after", "seed",
                                            "rate", "mark-windows", "event-rate"}));
    }
    if (mode == "http") {
      return run_http(
          Options(argc, argv, {"url", "events", "batch", "connections", "drift-after", "seed"}));
    }
    if (mode == "features" && argc == 2) {
      print_features();
      return 0;
    }
    throw UsageError(mode.empty() ? "no mode given" : "unknown mode '" + std::string(mode) + "'");
  } catch (const UsageError& error) {
    std::fprintf(stderr, "loadgen: %s\n%s", error.what(), kUsage);
    return 64;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "loadgen: %s\n", error.what());
    return 1;
  }
}
