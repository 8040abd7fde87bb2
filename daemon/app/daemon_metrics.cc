#include "app/daemon_metrics.h"

#include <span>

#include "alerts/alert_delivery_metrics.h"
#include "app/latest_drift.h"
#include "app/window_manager_metrics.h"
#include "http/server_metrics.h"
#include "app/cluster_metrics.h"
#include "kafka/kafka_metrics.h"
#include "pipeline/stream_metrics.h"

namespace driftd {

void register_daemon_metrics(metrics::MetricsRegistry& registry, const MetricSources& sources) {
  for (const auto& stream : *sources.streams) {
    registry.add(stream_metric_families(), [stream = stream.get()](metrics::MetricsWriter& out) {
      write_stream_metrics(*stream, out);
    });
  }
  registry.add(window_manager_metric_families(),
               [manager = sources.manager](metrics::MetricsWriter& out) {
                 write_window_manager_metrics(*manager, out);
               });
  registry.add(LatestDrift::metric_families(),
               [drift = &sources.manager->latest_drift()](metrics::MetricsWriter& out) {
                 drift->write_metrics(out);
               });
  registry.add(http::server_metric_families(),
               [server = sources.server](metrics::MetricsWriter& out) {
                 http::write_server_metrics(*server, out);
               });
  registry.add(alerts::alert_feed_metric_families(),
               [feed = sources.alert_feed](metrics::MetricsWriter& out) {
                 alerts::write_alert_feed_metrics(*feed, out);
               });
  registry.add(alerts::webhook_metric_families(),
               [webhooks = sources.webhooks](metrics::MetricsWriter& out) {
                 alerts::write_webhook_metrics(*webhooks, out);
               });
  if (sources.alert_topic != nullptr) {
    registry.add(alerts::alert_topic_metric_families(),
                 [topic = sources.alert_topic](metrics::MetricsWriter& out) {
                   alerts::write_alert_topic_metrics(*topic, out);
                 });
  }
  if (sources.alertmanager != nullptr) {
    registry.add(alerts::alertmanager_metric_families(),
                 [notifier = sources.alertmanager](metrics::MetricsWriter& out) {
                   alerts::write_alertmanager_metrics(*notifier, out);
                 });
  }
  if (sources.kafka != nullptr) {
    registry.add(kafka::kafka_metric_families(),
                 [kafka = sources.kafka](metrics::MetricsWriter& out) {
                   kafka::write_kafka_metrics(*kafka, out);
                 });
  }
  if (sources.cluster != nullptr) {
    registry.add(cluster_metric_families(), [cluster = sources.cluster](metrics::MetricsWriter& out) {
      write_cluster_metrics(*cluster, out);
    });
  }
}

std::vector<const metrics::MetricFamily*> every_daemon_metric_family() {
  // The order of register_daemon_metrics.
  const std::span<const metrics::MetricFamily* const> parts[] = {
      stream_metric_families(),          window_manager_metric_families(),
      LatestDrift::metric_families(),    http::server_metric_families(),
      alerts::alert_feed_metric_families(), alerts::webhook_metric_families(),
      alerts::alert_topic_metric_families(), alerts::alertmanager_metric_families(),
      kafka::kafka_metric_families(),    cluster_metric_families()};
  std::vector<const metrics::MetricFamily*> families;
  for (const auto& part : parts) families.insert(families.end(), part.begin(), part.end());
  return families;
}

}  // namespace driftd
