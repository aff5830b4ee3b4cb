#include "Context.hpp"

namespace rxpath::model {

int64_t Fates::arrive() {
  ++c_.arrived;
  ++in_flight_;
  fated_.push_back(false);
  return static_cast<int64_t>(fated_.size()) - 1;
}

void Fates::drop(trace::Event e, trace::DropReason r) {
  e.reason = r;
  const int64_t pkt = e.pkt;
  if (pkt >= 0 && !fated_[static_cast<size_t>(pkt)]) {
    fated_[static_cast<size_t>(pkt)] = true;
    --in_flight_;
    ++c_.dropped[static_cast<size_t>(r)];
    e.kind = trace::Kind::Drop;
  } else {
    e.kind = trace::Kind::Instant; // a fragment of a datagram that already has its fate
  }
  sink_.emit(e);
}

void Fates::deliver(int64_t pkt) {
  ++c_.delivered;
  --in_flight_;
  fated_[static_cast<size_t>(pkt)] = true;
}

void Context::emit_path(const Path& p) {
  for (const auto& e : p.events) {
    if (e.kind == trace::Kind::Drop) {
      fates.drop(e, e.reason);
    } else {
      sink.emit(e);
    }
  }
}

} // namespace rxpath::model
