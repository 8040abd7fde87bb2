// Writes the reference or current CSV of bench/compare_scale.py, fast enough
// for data-warehouse sizes (3 M rows x 1,000 columns, about 20 GB per side).
//
// Columns f000.. are numeric, cycling through four shapes: normal(shift, 1),
// lognormal(3 + shift, 0.8), exponential(50 (1 + shift)) rounded to 0.01,
// and integers 0..999; written with 6 significant digits; 1% of cells
// empty. Columns c0.. are categorical, 12 categories each, uniform except
// c0 in the current file. In the current file every tenth numeric column
// (f000, f010, ...) has shift 0.3; otherwise both sides have the same
// distributions.
//
// Deterministic: rows are made in blocks of 8,192 from a generator seeded by
// (side, block), on every core, and written in order.
//
// usage: generate_csv --rows N --numeric K --categorical C --side reference|current --out PATH
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr std::size_t kBlockRows = 8192;

struct Options {
  std::size_t rows = 0;
  std::size_t numeric = 50;
  std::size_t categorical = 5;
  bool current = false;
  std::string out;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "generate_csv: %s\nusage: generate_csv --rows N --numeric K --categorical C "
               "--side reference|current --out PATH\n",
               why);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const char* value = argv[i + 1];
    if (key == "--rows") {
      options.rows = std::strtoull(value, nullptr, 10);
    } else if (key == "--numeric") {
      options.numeric = std::strtoull(value, nullptr, 10);
    } else if (key == "--categorical") {
      options.categorical = std::strtoull(value, nullptr, 10);
    } else if (key == "--side") {
      if (std::strcmp(value, "reference") != 0 && std::strcmp(value, "current") != 0) {
        usage("--side must be reference or current");
      }
      options.current = std::strcmp(value, "current") == 0;
    } else if (key == "--out") {
      options.out = value;
    } else {
      usage(("unknown option " + key).c_str());
    }
  }
  if (options.rows == 0 || options.out.empty() || options.numeric + options.categorical == 0) {
    usage("--rows, --out and at least one column are required");
  }
  return options;
}

std::string header(const Options& options) {
  std::string line;
  char name[32];
  for (std::size_t i = 0; i < options.numeric; ++i) {
    std::snprintf(name, sizeof name, options.numeric > 100 ? "f%03zu" : "f%02zu", i);
    line += (line.empty() ? "" : ",") + std::string(name);
  }
  for (std::size_t i = 0; i < options.categorical; ++i) line += ",c" + std::to_string(i);
  if (options.numeric == 0) line.erase(0, 1);
  return line + "\n";
}

void append_number(std::string& out, double value) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 6).ptr;
  out.append(buffer, end);
}

std::string block(const Options& options, std::size_t index) {
  static const char* const kPrefixes[] = {"DE", "cat", "dev", "plan", "src"};
  std::mt19937_64 random(0x5eed'0000ULL + index * 2 + (options.current ? 1 : 0));
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::exponential_distribution<double> exponential(1.0);
  const std::size_t first = index * kBlockRows;
  const std::size_t rows = std::min(kBlockRows, options.rows - first);
  std::string out;
  out.reserve(rows * (options.numeric * 9 + options.categorical * 6));
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < options.numeric; ++c) {
      if (c > 0) out += ',';
      const double shift = options.current && c % 10 == 0 ? 0.3 : 0.0;
      double value = 0;
      switch (c % 4) {
        case 0: value = shift + normal(random); break;
        case 1: value = std::exp(3.0 + shift + 0.8 * normal(random)); break;
        case 2: value = std::round(50.0 * (1 + shift) * exponential(random) * 100) / 100; break;
        default: value = static_cast<double>(random() % 1000); break;
      }
      if (uniform(random) >= 0.01) append_number(out, value);
    }
    for (std::size_t c = 0; c < options.categorical; ++c) {
      if (c > 0 || options.numeric > 0) out += ',';
      // c0 of the current file leans to its later categories (weights 1..3).
      std::size_t category = random() % 12;
      if (options.current && c == 0 && uniform(random) < 0.3) category = 6 + random() % 6;
      out += kPrefixes[c % 5];
      out += std::to_string(category);
    }
    out += '\n';
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  std::FILE* file = std::fopen(options.out.c_str(), "wb");
  if (file == nullptr) usage(("cannot write " + options.out).c_str());
  const std::string head = header(options);
  std::fwrite(head.data(), 1, head.size(), file);
  const std::size_t blocks = (options.rows + kBlockRows - 1) / kBlockRows;
  const std::size_t threads = std::max(1U, std::thread::hardware_concurrency());
  // Each round makes `threads` blocks at once, then writes them in order.
  for (std::size_t start = 0; start < blocks; start += threads) {
    std::vector<std::string> made(std::min(threads, blocks - start));
    std::vector<std::thread> workers;
    for (std::size_t t = 0; t < made.size(); ++t) {
      workers.emplace_back([&, t] { made[t] = block(options, start + t); });
    }
    for (std::thread& worker : workers) worker.join();
    for (const std::string& text : made) {
      if (std::fwrite(text.data(), 1, text.size(), file) != text.size()) usage("write failed");
    }
  }
  if (std::fclose(file) != 0) usage("write failed");
  return 0;
}
