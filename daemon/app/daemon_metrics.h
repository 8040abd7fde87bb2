// Which metrics a running driftd serves on /metrics: the registry
// (metrics/metrics_registry.h) of every component it runs, each writing its
// own families; and the list of every family driftd can serve, whatever
// its configuration (driftd --print-metrics, docs/prometheus.md).
#pragma once

#include <memory>
#include <vector>

#include "alerts/alert_feed.h"
#include "alerts/alertmanager_notifier.h"
#include "alerts/kafka_alert_publisher.h"
#include "alerts/webhook_dispatcher.h"
#include "app/cluster_node.h"
#include "app/window_manager.h"
#include "http/server.h"
#include "kafka/kafka_source.h"
#include "metrics/metrics_registry.h"
#include "pipeline/stream_runtime.h"

namespace driftd {

// The components that have metrics; optional ones null when not running.
// Every one outlives the registry.
struct MetricSources {
  const std::vector<std::unique_ptr<StreamRuntime>>* streams;
  const WindowManager* manager;
  const http::HttpServer* server;
  const alerts::AlertFeed* alert_feed;
  const alerts::WebhookDispatcher* webhooks;
  const alerts::KafkaAlertPublisher* alert_topic;  // null without kafka.alert_topic
  const alerts::AlertmanagerNotifier* alertmanager;  // null without alertmanager
  const kafka::KafkaSource* kafka;                 // null without Kafka streams
  const ClusterNode* cluster = nullptr;            // null without the cluster section
};

void register_daemon_metrics(metrics::MetricsRegistry& registry, const MetricSources& sources);

// Every family of every component, in the order /metrics serves them.
std::vector<const metrics::MetricFamily*> every_daemon_metric_family();

}  // namespace driftd
