#include "alerts/alert_delivery_metrics.h"

#include <array>

namespace driftd::alerts {
namespace {

using metrics::MetricFamily;
using metrics::MetricType;

constexpr MetricFamily kSubscribers{"driftd_alert_subscribers", MetricType::gauge,
                                    "Server-sent event clients of /v1/alerts/stream."};
constexpr MetricFamily kWebhookBacklog{"driftd_webhook_backlog", MetricType::gauge,
                                       "Webhook deliveries waiting in the outbox."};
constexpr MetricFamily kWebhookAttempts{"driftd_webhook_attempts_total", MetricType::counter,
                                        "Webhook delivery attempts by result.", {"result"}};
constexpr MetricFamily kTopicPublished{"driftd_kafka_alerts_published_total",
                                       MetricType::counter,
                                       "Alert events acknowledged by the Kafka alert topic."};

constexpr MetricFamily kAlertmanagerPosts{
    "driftd_alertmanager_posts_total", MetricType::counter,
    "POSTs of alerts to Alertmanager by result (delivered: answered 2xx).", {"result"}};
constexpr MetricFamily kAlertmanagerBacklog{
    "driftd_alertmanager_backlog", MetricType::gauge,
    "Alertmanager alerts (firing or ended) waiting to be sent or re-sent now."};

constexpr std::array kFeedFamilies{&kSubscribers};
constexpr std::array kAlertmanagerFamilies{&kAlertmanagerPosts, &kAlertmanagerBacklog};
constexpr std::array kWebhookFamilies{&kWebhookBacklog, &kWebhookAttempts};
constexpr std::array kTopicFamilies{&kTopicPublished};

}  // namespace

std::span<const metrics::MetricFamily* const> alert_feed_metric_families() {
  return kFeedFamilies;
}

void write_alert_feed_metrics(const AlertFeed& feed, metrics::MetricsWriter& out) {
  out.sample(kSubscribers, {}, static_cast<double>(feed.subscribers()));
}

std::span<const metrics::MetricFamily* const> webhook_metric_families() {
  return kWebhookFamilies;
}

void write_webhook_metrics(const WebhookDispatcher& webhooks, metrics::MetricsWriter& out) {
  out.sample(kWebhookBacklog, {}, static_cast<double>(webhooks.backlog()));
  out.sample(kWebhookAttempts, {"delivered"}, static_cast<double>(webhooks.delivered()));
  out.sample(kWebhookAttempts, {"failed"}, static_cast<double>(webhooks.failed_attempts()));
}

std::span<const metrics::MetricFamily* const> alert_topic_metric_families() {
  return kTopicFamilies;
}

void write_alert_topic_metrics(const KafkaAlertPublisher& topic, metrics::MetricsWriter& out) {
  out.sample(kTopicPublished, {}, static_cast<double>(topic.published()));
}

std::span<const metrics::MetricFamily* const> alertmanager_metric_families() {
  return kAlertmanagerFamilies;
}

void write_alertmanager_metrics(const AlertmanagerNotifier& notifier, metrics::MetricsWriter& out) {
  out.sample(kAlertmanagerPosts, {"delivered"}, static_cast<double>(notifier.posts_delivered()));
  out.sample(kAlertmanagerPosts, {"failed"}, static_cast<double>(notifier.failed_attempts()));
  out.sample(kAlertmanagerBacklog, {}, static_cast<double>(notifier.backlog()));
}

}  // namespace driftd::alerts
