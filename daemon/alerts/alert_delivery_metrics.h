// The Prometheus families of alert delivery (metrics/metric_family.h): the
// live feed's server-sent event clients, the webhook outbox and attempts,
// the Kafka alert topic's acknowledged events, and Alertmanager's posts and
// backlog. One pair of functions
// per deliverer, registered when it exists.
//
// Thread safety: the writers read relaxed counters and the deliverers'
// thread-safe accessors: any thread, while the deliverer lives.
#pragma once

#include <span>

#include "alerts/alert_feed.h"
#include "alerts/alertmanager_notifier.h"
#include "alerts/kafka_alert_publisher.h"
#include "alerts/webhook_dispatcher.h"
#include "metrics/metric_family.h"
#include "metrics/metrics_writer.h"

namespace driftd::alerts {

std::span<const metrics::MetricFamily* const> alert_feed_metric_families();
void write_alert_feed_metrics(const AlertFeed& feed, metrics::MetricsWriter& out);

std::span<const metrics::MetricFamily* const> webhook_metric_families();
void write_webhook_metrics(const WebhookDispatcher& webhooks, metrics::MetricsWriter& out);

std::span<const metrics::MetricFamily* const> alert_topic_metric_families();
void write_alert_topic_metrics(const KafkaAlertPublisher& topic, metrics::MetricsWriter& out);

std::span<const metrics::MetricFamily* const> alertmanager_metric_families();
void write_alertmanager_metrics(const AlertmanagerNotifier& notifier, metrics::MetricsWriter& out);

}  // namespace driftd::alerts
