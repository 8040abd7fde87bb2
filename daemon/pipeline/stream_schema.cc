#include "pipeline/stream_schema.h"

namespace driftd {
namespace {

ingest::TimeUnit decoder_unit(config::TimeUnit unit) {
  switch (unit) {
    case config::TimeUnit::s: return ingest::TimeUnit::kSeconds;
    case config::TimeUnit::us: return ingest::TimeUnit::kMicroseconds;
    case config::TimeUnit::ns: return ingest::TimeUnit::kNanoseconds;
    case config::TimeUnit::ms: break;
  }
  return ingest::TimeUnit::kMilliseconds;
}

}  // namespace

StreamSchema make_stream_schema(const config::StreamConfig& stream) {
  StreamSchema schema;
  for (const config::FeatureConfig& feature : stream.features) {
    const bool numeric = feature.type == config::FeatureType::numeric;
    schema.decoder.add_feature(feature.name, feature.path,
                               numeric ? ingest::FeatureType::kNumeric
                                       : ingest::FeatureType::kCategorical);
    schema.columns.push_back({numeric, schema.decoder.features().back().column});
  }
  if (stream.event_time && stream.event_time->source == config::EventTimeSource::field) {
    schema.decoder.set_event_time(stream.event_time->field, decoder_unit(stream.event_time->unit));
  }
  return schema;
}

}  // namespace driftd
