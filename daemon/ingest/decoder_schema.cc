#include "ingest/decoder_schema.h"

#include <utility>

#include "common/error.h"

namespace driftd::ingest {

DecoderSchema& DecoderSchema::add_feature(std::string name, std::string_view pointer,
                                          FeatureType type) {
  if (name.empty()) {
    throw InputError("a feature has an empty name");
  }
  if (find(name) != nullptr) {
    throw InputError("the feature name \"" + name + "\" is used twice");
  }
  JsonPointer parsed = [&] {
    try {
      return JsonPointer::parse(pointer);
    } catch (const InputError& error) {
      throw InputError("feature \"" + name + "\": " + error.what());
    }
  }();
  std::size_t& count = type == FeatureType::kNumeric ? numeric_count_ : categorical_count_;
  features_.push_back(FeatureSpec{std::move(name), std::move(parsed), type, count});
  ++count;
  return *this;
}

DecoderSchema& DecoderSchema::set_event_time(std::string_view pointer, TimeUnit unit) {
  JsonPointer parsed = [&] {
    try {
      return JsonPointer::parse(pointer);
    } catch (const InputError& error) {
      throw InputError(std::string("event time: ") + error.what());
    }
  }();
  event_time_ = EventTimeSpec{std::move(parsed), unit};
  return *this;
}

const FeatureSpec* DecoderSchema::find(std::string_view name) const {
  for (const FeatureSpec& feature : features_) {
    if (feature.name == name) {
      return &feature;
    }
  }
  return nullptr;
}

}  // namespace driftd::ingest
