#include "app/durable_acks.h"

#include <iterator>
#include <utility>

namespace driftd {

void DurableAcks::hold(std::size_t stream, Answer answer) {
  std::lock_guard lock(mutex_);
  held_[stream].push_back(std::move(answer));
}

std::vector<DurableAcks::Answer> DurableAcks::take(std::size_t stream) {
  std::lock_guard lock(mutex_);
  return std::exchange(held_[stream], {});
}

void DurableAcks::hold_again(std::size_t stream, std::vector<Answer> answers) {
  std::lock_guard lock(mutex_);
  std::vector<Answer>& held = held_[stream];
  answers.insert(answers.end(), std::make_move_iterator(held.begin()),
                 std::make_move_iterator(held.end()));
  held = std::move(answers);
}

void DurableAcks::fail_all() {
  std::vector<std::vector<Answer>> left;
  {
    std::lock_guard lock(mutex_);
    left.resize(held_.size());
    left.swap(held_);
  }
  for (auto& answers : left) {
    for (Answer& answer : answers) answer(false);
  }
}

}  // namespace driftd
