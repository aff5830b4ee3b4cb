// Where the model's events go: the trace writer, the statistics, or both.
#pragma once

#include "trace/Event.hpp"

#include <vector>

namespace rxpath::model {

class EventSink {
public:
  virtual ~EventSink() = default;
  virtual void emit(const trace::Event& e) = 0;
};

// Sends every event to several sinks, in order.
class FanOut final : public EventSink {
public:
  void add(EventSink* s) { sinks_.push_back(s); }
  void emit(const trace::Event& e) override {
    for (auto* s : sinks_) s->emit(e);
  }

private:
  std::vector<EventSink*> sinks_;
};

} // namespace rxpath::model
