// The protobuf wire format (https://protobuf.dev/programming-guides/encoding/), as much of it as
// the Perfetto export writes: varints, fixed64 and length-delimited fields. A message is built in
// a buffer and nested into its parent as bytes, so no generated code or libprotobuf is needed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rxpath::trace {

class ProtoWriter {
public:
  void varint(uint32_t field, uint64_t v) {
    key(field, 0);
    raw_varint(v);
  }
  // int64 fields are varints of the two's complement (ten bytes when negative).
  void int64(uint32_t field, int64_t v) { varint(field, static_cast<uint64_t>(v)); }
  void fixed64(uint32_t field, uint64_t v) {
    key(field, 1);
    for (int i = 0; i < 8; ++i) buf_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void bytes(uint32_t field, std::string_view s) {
    key(field, 2);
    raw_varint(s.size());
    buf_.append(s);
  }
  void message(uint32_t field, const ProtoWriter& m) { bytes(field, m.buf_); }

  const std::string& data() const { return buf_; }
  void clear() { buf_.clear(); }

private:
  void key(uint32_t field, uint32_t wire_type) { raw_varint(uint64_t{field} << 3 | wire_type); }
  void raw_varint(uint64_t v) {
    while (v >= 0x80) {
      buf_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    buf_.push_back(static_cast<char>(v));
  }
  std::string buf_;
};

} // namespace rxpath::trace
