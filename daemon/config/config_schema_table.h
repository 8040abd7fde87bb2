// The driftd configuration's field table: every object of config.h's
// Config, each field's key, type, constraints, presence, default and a
// one-line description, the variants of discriminated objects, and the
// conditions between siblings (the vocabulary: config/config_schema.h).
//
// It is the only list of the configuration's fields: parse_config()
// (config/config_parser.h) checks what it reads against it and converts
// field by field (ObjectReader refuses a converter the table does not have,
// and a field without one), and `driftd --print-config-schema` writes it as
// a JSON Schema (config/json_schema.h). config/README.md documents the same
// fields for people.
//
// Thread safety: immutable data.
#pragma once

#include <span>
#include <string_view>

#include "config/config_schema.h"

namespace driftd::config::schema {

extern const ObjectSpec kConfiguration;  // the whole file
extern const ObjectSpec kStorage;
extern const ObjectSpec kHttp;
extern const ObjectSpec kTls;
extern const ObjectSpec kKafka;
extern const ObjectSpec kWebhooks;
extern const ObjectSpec kAlertmanager;
extern const ObjectSpec kBasicAuth;
extern const ObjectSpec kCluster;
extern const ObjectSpec kStream;
extern const ObjectSpec kSource;
extern const ObjectSpec kEventTime;
extern const ObjectSpec kWindow;
extern const ObjectSpec kReference;
extern const ObjectSpec kFeature;
extern const ObjectSpec kGroup;
extern const ObjectSpec kPair;
extern const ObjectSpec kAlert;
extern const ObjectSpec kSequential;

// The rules parse_config() also checks that the table cannot state (they
// relate fields of different objects, or values to each other), one phrase
// each, for the JSON Schema's description.
std::span<const std::string_view> rules_beyond_the_table();

}  // namespace driftd::config::schema
