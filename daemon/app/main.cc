// driftd: the streaming data-drift monitor daemon.
//
//   driftd --config FILE         run
//   driftd --check-config FILE   validate the configuration and exit
//   driftd --print-config-schema print the configuration's JSON Schema (for
//                                editors; config/json_schema.h) and exit
//   driftd --print-metrics       list every Prometheus metric (docs/prometheus.md)
//
// Signals: SIGTERM/SIGINT drain (stop intake, commit, checkpoint) and exit.
// SIGHUP re-reads the configuration: an invalid one is reported and the running one kept; an unchanged one with
// http.tls reloads the certificate and key (rotation) for new connections; a
// valid, changed one is applied by draining exactly as for SIGTERM and
// re-executing driftd in place (same pid), which resumes from what the drain
// committed; HTTP is unavailable for that moment.
//
// Exit codes: 0 after a clean drain (SIGTERM/SIGINT), 78 (EX_CONFIG) for a
// bad configuration, 64 (EX_USAGE) for bad
// arguments, 1 for a failure at start (database, listening socket), 75
// (EX_TEMPFAIL) in cluster mode after a drain forced by a fenced producer
// (this instance id runs elsewhere): its part of the cluster left the
// groups, so that the others go on, and a restart joins them again.
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>

#include "app/alert_stream_route.h"
#include "app/api_routes.h"
#include "app/cluster_node.h"
#include "app/daemon_metrics.h"
#include "app/history_routes.h"
#include "alerts/kafka_alert_publisher.h"
#include "alerts/alertmanager_client.h"
#include "alerts/alertmanager_notifier.h"
#include "alerts/webhook_client.h"
#include "app/subscription_routes.h"
#include "app/systemd_notify.h"
#include "app/ui_routes.h"
#include "app/window_manager.h"
#include "common/clock.h"
#include "common/thread_name.h"
#include "config/config_error.h"
#include "config/config_parser.h"
#include "config/json_schema.h"
#include "http/server.h"
#include "http/tls_context.h"
#include "kafka/consumer_config.h"
#include "kafka/instance_id.h"
#include "kafka/kafka_source.h"
#include "store/alert_event_reader.h"
#include "store/drift_store.h"

namespace {

constexpr int kExitUsage = 64;
constexpr int kExitConfig = 78;
constexpr int kExitStartFailure = 1;
// Cluster mode: this instance's part can no longer go on (a fenced
// producer); it left the groups, and a restart joins them again (EX_TEMPFAIL).
constexpr int kExitClusterFailure = 75;

constexpr const char* kUsage =
    "usage: driftd --config FILE         run the daemon\n"
    "       driftd --check-config FILE   validate FILE and exit (78 when invalid)\n"
    "       driftd --print-config-schema print the configuration's JSON Schema\n"
    "       driftd --print-metrics       list every Prometheus metric (Markdown)\n";

// The HTTP server's TLS context (null for plain HTTP), read from the files
// now; throws ConfigError naming the field of the file that is wrong.
std::shared_ptr<boost::asio::ssl::context> server_tls(const driftd::config::HttpConfig& http) {
  if (!http.tls) return nullptr;
  try {
    return driftd::http::make_server_tls_context({http.tls->certificate, http.tls->private_key});
  } catch (const driftd::http::TlsSetupError& error) {
    const bool certificate = error.file() == driftd::http::TlsSetupError::File::certificate_chain;
    throw driftd::config::ConfigError(
        certificate ? "http.tls.certificate" : "http.tls.private_key", error.what());
  }
}

// A configuration driftd can run, librdkafka properties, TLS files (the
// server's, webhooks.ca_file) and the alertmanager section's URL and files
// included; throws ConfigError naming the field.
driftd::config::Config load_runnable_config(const std::string& path) {
  driftd::config::Config config = driftd::config::load_config_file(path);
  if (config.kafka) {
    driftd::kafka::make_consumer_config(*config.kafka, driftd::kafka::group_instance_id(config));
  }
  server_tls(config.http);
  driftd::alerts::WebhookClient check_ca_file(config.webhooks.ca_file);
  if (config.alertmanager) driftd::alerts::AlertmanagerClient check_alertmanager(*config.alertmanager);
  return config;
}

// load_runnable_config(), or exit 78 with the one line
// "driftd: FILE: <path>: <problem>".
driftd::config::Config load_or_exit(const std::string& path) {
  try {
    return load_runnable_config(path);
  } catch (const driftd::config::ConfigError& error) {
    std::fprintf(stderr, "driftd: %s: %s\n", path.c_str(), error.what());
    std::exit(kExitConfig);
  }
}

driftd::http::ServerOptions server_options(const driftd::config::HttpConfig& http,
                                           std::shared_ptr<boost::asio::ssl::context> tls) {
  driftd::http::ServerOptions options;
  options.tls = std::move(tls);
  options.listen = http.listen.host.find(':') != std::string::npos
                       ? "[" + http.listen.host + "]:" + std::to_string(http.listen.port)
                       : http.listen.host + ":" + std::to_string(http.listen.port);
  options.bearer_token = http.auth_token;
  options.limits.max_body_bytes = http.max_body_bytes;
  options.limits.max_inflight_body_bytes = http.max_inflight_body_bytes;
  options.limits.max_connections = http.max_connections;
  options.limits.max_streams = http.max_event_streams;
  options.limits.idle_timeout = http.idle_timeout;
  return options;
}

// Runs until SIGTERM/SIGINT, or until SIGHUP brings a valid new configuration
// (then `reload` is set: the caller re-executes driftd, which resumes from
// the checkpoint and positions this run committed while draining).
int run(const std::string& config_path, bool& reload) {
  const driftd::config::Config config = load_or_exit(config_path);

  // Writer indices: one per I/O thread, then one per Kafka consumer thread.
  const std::size_t io_threads = std::max(2u, std::thread::hardware_concurrency());
  const std::size_t first_kafka_writer = io_threads;
  const std::size_t kafka_threads = config.kafka ? config.kafka->threads : 0;
  std::vector<std::unique_ptr<driftd::StreamRuntime>> streams;
  std::vector<driftd::StreamRuntime*> kafka_streams;
  for (const auto& stream : config.streams) {
    streams.push_back(std::make_unique<driftd::StreamRuntime>(
        stream, io_threads + kafka_threads,
        config.cluster ? driftd::WindowRole::cluster_instance : driftd::WindowRole::local));
    if (stream.source.type == driftd::config::SourceType::kafka) {
      kafka_streams.push_back(streams.back().get());
    }
  }

  // First, so that it outlives everything holding its sockets (the alert
  // feed's subscribers hold event streams).
  boost::asio::io_context io;
  std::unique_ptr<driftd::store::DriftStore> store;
  std::unique_ptr<driftd::alerts::AlertFeed> alert_feed;
  std::unique_ptr<driftd::alerts::WebhookStore> webhook_store;
  std::unique_ptr<driftd::alerts::WebhookDispatcher> webhooks;
  std::unique_ptr<driftd::alerts::KafkaAlertPublisher> alert_topic;
  std::unique_ptr<driftd::alerts::AlertmanagerNotifier> alertmanager;
  std::unique_ptr<driftd::kafka::KafkaSource> kafka;
  std::unique_ptr<driftd::ClusterNode> cluster;
  std::unique_ptr<driftd::WindowManager> manager;
  std::unique_ptr<driftd::store::ReadPool> read_pool;  // the historical API's queries
  std::shared_ptr<boost::asio::ssl::context> tls;
  // Cluster mode: called on an I/O thread when the node fails (set once the
  // server runs, before any handler can run).
  std::function<void(const std::string&)> drain_for_cluster_failure;
  try {
    tls = server_tls(config.http);
    store = std::make_unique<driftd::store::DriftStore>(config.storage);
    read_pool = std::make_unique<driftd::store::ReadPool>(
        config.storage.path,
        driftd::store::ReadPool::Options{.threads = config.http.read_threads,
                                         .max_queued = config.http.read_queue,
                                         .time_budget = config.http.read_time_budget});
    auto reader = std::make_shared<driftd::store::Database>(
        config.storage.path, driftd::store::Database::Mode::kReadOnly);
    const int64_t last_event = driftd::store::last_alert_event_id(*reader);
    alert_feed = std::make_unique<driftd::alerts::AlertFeed>(
        [reader](int64_t after, std::size_t limit) {  // on the feed's catch-up thread only
          return driftd::store::read_alert_events(*reader, after, limit);
        },
        last_event);
    webhook_store = std::make_unique<driftd::alerts::WebhookStore>(
        config.storage.path, store->writes(), config.webhooks.max_subscriptions);
    webhooks = std::make_unique<driftd::alerts::WebhookDispatcher>(*webhook_store, config.webhooks);
    if (config.kafka && config.kafka->alert_topic) {
      alert_topic = std::make_unique<driftd::alerts::KafkaAlertPublisher>(
          *config.kafka, config.storage.path, store->writes());
    }
    if (config.alertmanager) {
      alertmanager = std::make_unique<driftd::alerts::AlertmanagerNotifier>(
          *config.alertmanager, driftd::alerts::alertmanager_external_url(config),
          config.storage.path, store->writes(), driftd::Clock::system());
    }
    alert_feed->set_publish_listener([dispatcher = webhooks.get(), topic = alert_topic.get(),
                                      notifier = alertmanager.get()] {
      dispatcher->wake();
      if (topic != nullptr) topic->wake();
      if (notifier != nullptr) notifier->wake();
    });
    manager = std::make_unique<driftd::WindowManager>(config, *store, streams);
    manager->set_alert_feed(alert_feed.get());
    if (config.cluster) {
      // Cluster mode: the references first (load() installs only them in
      // cluster mode), which the node binds its partials to; then the node,
      // whose cuts the source calls on rebalances.
      manager->load();
      cluster = std::make_unique<driftd::ClusterNode>(config, streams, *store);
      cluster->on_failure([&io, &drain_for_cluster_failure](const std::string& why) {
        boost::asio::post(io, [&drain_for_cluster_failure, why] { drain_for_cluster_failure(why); });
      });
      manager->set_cluster(cluster.get());
    }
    if (!kafka_streams.empty()) {
      kafka = std::make_unique<driftd::kafka::KafkaSource>(
          *config.kafka, kafka_streams, first_kafka_writer,
          // Cluster mode: dynamic members (a rebalance costs a cut, and
          // librdkafka 2.0 makes a static member fenced after a broker
          // outage fatal); kafka.instance_id still names the transactions.
          cluster ? std::nullopt : driftd::kafka::group_instance_id(config),
          cluster ? &cluster->cuts() : nullptr);
      if (cluster) cluster->attach(*kafka);
      manager->set_kafka_source(kafka.get());
    }
    manager->start();
    if (cluster) cluster->start_owner();
    if (kafka) kafka->start();
  } catch (const driftd::config::ConfigError& error) {
    std::fprintf(stderr, "driftd: %s: %s\n", config_path.c_str(), error.what());
    return kExitConfig;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "driftd: cannot start: %s\n", error.what());
    return kExitStartFailure;
  }

  driftd::http::HttpServer server(io, server_options(config.http, std::move(tls)));
  std::atomic<bool> ready{false};
  driftd::metrics::MetricsRegistry metrics;
  driftd::register_daemon_metrics(metrics, {&streams, manager.get(), &server, alert_feed.get(),
                                            webhooks.get(), alert_topic.get(), alertmanager.get(),
                                            kafka.get(), cluster.get()});
  driftd::register_api_routes(server.router(), {&streams, manager.get(), config.http.ingest_ack,
                                                &ready, kafka.get(), &metrics});
  driftd::register_subscription_routes(server.router(), *webhook_store, config.webhooks);
  driftd::register_alert_stream_route(server.router(), *alert_feed);
  driftd::register_history_routes(server.router(), *read_pool);
  driftd::register_ui_routes(server.router());
  try {
    server.start();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "driftd: cannot listen on %s: %s\n",
                 server_options(config.http, nullptr).listen.c_str(), error.what());
    if (kafka) kafka->stop();
    manager->stop();
    return kExitStartFailure;
  }

  int exit_code = 0;
  std::atomic<bool> draining{false};
  // Every way out: readiness withdrawn, the connections drained, then io stops.
  const auto drain = [&] {
    if (draining.exchange(true)) return false;
    ready.store(false, std::memory_order_release);
    server.stop(std::chrono::seconds(5), [&] { io.stop(); });
    return true;
  };
  drain_for_cluster_failure = [&](const std::string& why) {
    std::fprintf(stderr, "driftd: cluster mode: %s: draining, then leaving the groups and exiting "
                         "with %d (a restart joins them again)\n",
                 why.c_str(), kExitClusterFailure);
    driftd::notify_stopping();
    if (drain()) exit_code = kExitClusterFailure;
  };

  boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& error, int signal) {
        if (error) return;
        if (signal == SIGHUP) {
          try {
            const driftd::config::Config next = load_runnable_config(config_path);
            if (next == config) {
              if (server.uses_tls()) {
                // Certificate rotation: the files may have changed under the same names.
                server.set_tls_context(server_tls(config.http));
                std::fprintf(stderr, "driftd: SIGHUP: configuration unchanged; TLS certificate "
                                     "and key reloaded for new connections\n");
              } else {
                std::fprintf(stderr, "driftd: SIGHUP: configuration unchanged\n");
              }
              signals.async_wait(on_signal);
              return;
            }
          } catch (const driftd::config::ConfigError& bad) {
            std::fprintf(stderr, "driftd: SIGHUP: %s: %s (keeping the running configuration)\n",
                         config_path.c_str(), bad.what());
            signals.async_wait(on_signal);
            return;
          }
          std::fprintf(stderr, "driftd: SIGHUP: new configuration: draining, then restarting "
                               "in place with it\n");
          driftd::notify_reloading();
          reload = drain();
          return;
        }
        std::fprintf(stderr, "driftd: %s: draining\n", strsignal(signal));
        driftd::notify_stopping();
        drain();
      };
  signals.async_wait(on_signal);

  std::fprintf(stderr, "driftd: listening on %s:%u (%s) with %zu stream(s), database %s\n",
               config.http.listen.host.c_str(), server.port(),
               server.uses_tls() ? "https" : "http", streams.size(), config.storage.path.c_str());
  ready.store(true, std::memory_order_release);
  driftd::notify_ready("serving");

  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < io_threads; ++i) {
    threads.emplace_back([&io, i] {
      driftd::name_this_thread("http-io-" + std::to_string(i));
      driftd::set_writer_index(i);
      io.run();
    });
  }
  driftd::set_writer_index(0);
  io.run();
  for (std::thread& thread : threads) thread.join();

  if (kafka) kafka->stop();  // at a batch boundary: nothing more is recorded
  // The deliverers write through the manager: stop them while it runs (what
  // they have not delivered is in SQLite for the next start).
  webhooks->stop();
  if (alert_topic) alert_topic->stop();
  if (alertmanager) alertmanager->stop();
  if (cluster) cluster->stop_owner();  // commits what it merged, leaves the owners' group
  manager->stop();          // closes and commits what is due, checkpoints exactly
  if (kafka) kafka->close();  // commits the durable offsets, leaves the group
  std::fprintf(stderr, reload ? "driftd: stopped for the reload\n" : "driftd: stopped\n");
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (args.size() == 1 && args[0] == "--print-metrics") {
    const auto families = driftd::every_daemon_metric_family();
    std::fputs(driftd::metrics::markdown_table(families).c_str(), stdout);
    return 0;
  }
  if (args.size() == 1 && args[0] == "--print-config-schema") {
    std::fputs(driftd::config::configuration_json_schema().c_str(), stdout);
    return 0;
  }
  if (args.size() != 2 || (args[0] != "--config" && args[0] != "--check-config")) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  const std::string path(args[1]);
  if (args[0] == "--check-config") {
    const auto config = load_or_exit(path);
    std::printf("%s: valid (%zu stream(s))\n", path.c_str(), config.streams.size());
    return 0;
  }
  bool reload = false;
  const int code = run(path, reload);
  if (reload) {
    std::fflush(nullptr);
    execv("/proc/self/exe", argv);  // same pid: systemd keeps tracking it
    std::fprintf(stderr, "driftd: cannot restart for the reload: %s\n", std::strerror(errno));
    return kExitStartFailure;
  }
  return code;
}
