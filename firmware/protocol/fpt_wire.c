/* fpt wire protocol v1: framing. See fpt_wire.h for the layout. */
#include "fpt_wire.h"

#include <string.h>

int fpt_frame_type_known(uint8_t type) {
  switch (type) {
    case FPT_FRAME_HELLO:
    case FPT_FRAME_EMG:
    case FPT_FRAME_IMU:
    case FPT_FRAME_STATUS:
    case FPT_FRAME_START:
    case FPT_FRAME_STOP:
    case FPT_FRAME_INFO:
    case FPT_FRAME_PING:
    case FPT_FRAME_SET_RATE:
    case FPT_FRAME_ACK:
    case FPT_FRAME_NAK:
      return 1;
    default:
      return 0;
  }
}

#if defined(__AVR__)
#include <util/crc16.h>
uint16_t fpt_crc16_update(uint16_t crc, uint8_t byte) {
  return _crc_xmodem_update(crc, byte); /* avr-libc's hand-written assembly, same CRC */
}
#else
uint16_t fpt_crc16_update(uint16_t crc, uint8_t byte) {
  /* Same result as avr-libc's _crc_xmodem_update started from 0xFFFF. */
  uint8_t i;
  crc = (uint16_t)(crc ^ ((uint16_t)byte << 8));
  for (i = 0; i < 8; ++i) {
    const uint16_t shifted = (uint16_t)(crc << 1);
    crc = (crc & 0x8000u) != 0 ? (uint16_t)(shifted ^ 0x1021u) : shifted;
  }
  return crc;
}
#endif

uint16_t fpt_crc16(const uint8_t* data, size_t len) {
  uint16_t crc = 0xFFFFu;
  size_t i;
  for (i = 0; i < len; ++i) crc = fpt_crc16_update(crc, data[i]);
  return crc;
}

/* ---- decoding ------------------------------------------------------------------------------ */

void fpt_decoder_init(fpt_decoder* d, uint8_t* buf, uint16_t cap) {
  memset(d, 0, sizeof(*d));
  d->buf = buf;
  d->cap = cap;
}

void fpt_decoder_reset(fpt_decoder* d) {
  d->len = 0;
  d->discarding = 0;
  d->have_seq = 0;
  d->synced = 0;
}

/* Decodes COBS in place; returns the decoded length or -1 when the encoding is invalid. */
static int32_t cobs_decode_in_place(uint8_t* buf, uint16_t len) {
  uint16_t r = 0;
  uint16_t w = 0;
  while (r < len) {
    uint8_t code = buf[r++];
    uint8_t k;
    if (code == 0 || (uint32_t)r + code - 1u > len) return -1;
    for (k = 1; k < code; ++k) buf[w++] = buf[r++];
    if (code < 0xFFu && r < len) buf[w++] = 0;
  }
  return (int32_t)w;
}

static uint32_t read_u32le(const uint8_t* p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void track_seq(fpt_decoder* d, uint32_t seq) {
  if (d->have_seq && seq != d->next_seq) {
    uint32_t missing = seq - d->next_seq; /* modulo 2^32 */
    if (missing < 0x80000000u) {
      d->stats.seq_gaps++;
      d->stats.frames_lost += missing;
    } else {
      d->stats.seq_resets++;
    }
  }
  d->have_seq = 1;
  d->next_seq = seq + 1u;
}

/* Checks a complete encoded frame in d->buf[0..len). */
static fpt_dec_result finish_frame(fpt_decoder* d, fpt_frame* out) {
  int32_t n = cobs_decode_in_place(d->buf, d->len);
  uint16_t crc_rx;
  if (n < 0) {
    d->stats.cobs_errors++;
    return FPT_DEC_ERROR;
  }
  if ((uint32_t)n < FPT_HEADER_SIZE + FPT_CRC_SIZE) {
    d->stats.short_frames++;
    return FPT_DEC_ERROR;
  }
  crc_rx = (uint16_t)(d->buf[n - 2] | (d->buf[n - 1] << 8));
  if (fpt_crc16(d->buf, (size_t)n - FPT_CRC_SIZE) != crc_rx) {
    d->stats.crc_errors++;
    return FPT_DEC_ERROR;
  }
  if (d->buf[0] != FPT_PROTOCOL_VERSION) {
    d->stats.version_errors++;
    d->stats.last_foreign_version = d->buf[0];
    return FPT_DEC_ERROR;
  }
  track_seq(d, read_u32le(d->buf + 2));
  if (!fpt_frame_type_known(d->buf[1])) {
    d->stats.unknown_types++;
    return FPT_DEC_NONE;
  }
  out->version = d->buf[0];
  out->type = d->buf[1];
  out->seq = read_u32le(d->buf + 2);
  out->body = d->buf + FPT_HEADER_SIZE;
  out->body_len = (uint16_t)((uint32_t)n - FPT_HEADER_SIZE - FPT_CRC_SIZE);
  d->stats.frames_ok++;
  return FPT_DEC_FRAME;
}

fpt_dec_result fpt_decoder_push(fpt_decoder* d, uint8_t byte, fpt_frame* out) {
  d->stats.bytes++;
  if (byte != 0) {
    if (d->discarding) return FPT_DEC_NONE;
    if (d->len >= d->cap) {
      if (!d->synced) { /* the tail of a frame sent before we listened: not an error */
        d->stats.presync_discards++;
        d->discarding = 1;
        d->len = 0;
        return FPT_DEC_NONE;
      }
      d->stats.oversize++;
      d->stats.resyncs++;
      d->discarding = 1;
      d->len = 0;
      return FPT_DEC_ERROR;
    }
    d->buf[d->len++] = byte;
    return FPT_DEC_NONE;
  }
  /* Delimiter: a frame (or the tail of a discarded one) ends here. */
  if (d->discarding) {
    d->discarding = 0;
    d->synced = 1;
    return FPT_DEC_NONE;
  }
  if (d->len == 0) { /* idle delimiters are allowed, and mark a frame boundary */
    d->synced = 1;
    return FPT_DEC_NONE;
  }
  {
    const fpt_wire_stats before = d->stats;
    fpt_dec_result r = finish_frame(d, out);
    d->len = 0;
    if (r == FPT_DEC_ERROR && !d->synced) {
      /* The first bytes after opening a port are usually the tail of a frame whose start
       * was sent before anyone listened: dropped and counted apart, not as a CRC error. */
      d->stats = before;
      d->stats.presync_discards++;
      d->synced = 1;
      return FPT_DEC_NONE;
    }
    d->synced = 1;
    if (r == FPT_DEC_ERROR) d->stats.resyncs++;
    return r;
  }
}

/* ---- encoding ------------------------------------------------------------------------------ */

/* The frame as three segments, so it can be COBS-encoded without copying it first. */
typedef struct {
  uint8_t head[FPT_HEADER_SIZE];
  const uint8_t* body;
  uint16_t body_len;
  uint8_t crc[FPT_CRC_SIZE];
  size_t total;
} frame_source;

static uint8_t source_at(const frame_source* s, size_t i) {
  if (i < FPT_HEADER_SIZE) return s->head[i];
  i -= FPT_HEADER_SIZE;
  if (i < s->body_len) return s->body[i];
  return s->crc[i - s->body_len];
}

static size_t write_frame(uint8_t version, uint8_t type, uint32_t seq, const uint8_t* body,
                          uint16_t body_len, fpt_put_fn put, void* ctx) {
  frame_source s;
  uint16_t crc;
  uint16_t k;
  size_t i = 0;
  size_t written = 0;
  if (body_len > FPT_MAX_BODY) return 0;
  s.head[0] = version;
  s.head[1] = type;
  s.head[2] = (uint8_t)seq;
  s.head[3] = (uint8_t)(seq >> 8);
  s.head[4] = (uint8_t)(seq >> 16);
  s.head[5] = (uint8_t)(seq >> 24);
  s.body = body;
  s.body_len = body_len;
  crc = 0xFFFFu;
  for (k = 0; k < FPT_HEADER_SIZE; ++k) crc = fpt_crc16_update(crc, s.head[k]);
  for (k = 0; k < body_len; ++k) crc = fpt_crc16_update(crc, body[k]);
  s.crc[0] = (uint8_t)crc;
  s.crc[1] = (uint8_t)(crc >> 8);
  s.total = FPT_HEADER_SIZE + (size_t)body_len + FPT_CRC_SIZE;

  for (;;) {
    size_t run = 0;
    while (i + run < s.total && run < 254u && source_at(&s, i + run) != 0) ++run;
    put(ctx, (uint8_t)(run + 1u));
    for (k = 0; k < run; ++k) put(ctx, source_at(&s, i + k));
    written += run + 1u;
    i += run;
    if (i >= s.total) break;
    /* A short block stands for one zero; when that zero was the last byte, the next pass
     * writes the empty block that ends the frame. */
    if (run < 254u) ++i;
  }
  put(ctx, 0u);
  return written + 1u;
}

size_t fpt_frame_write(uint8_t type, uint32_t seq, const uint8_t* body, uint16_t body_len,
                       fpt_put_fn put, void* ctx) {
  return write_frame(FPT_PROTOCOL_VERSION, type, seq, body, body_len, put, ctx);
}

typedef struct {
  uint8_t* out;
  size_t cap;
  size_t len;
} buffer_sink;

static void put_buffer(void* ctx, uint8_t byte) {
  buffer_sink* b = (buffer_sink*)ctx;
  if (b->len < b->cap) b->out[b->len] = byte;
  b->len++;
}

size_t fpt_frame_encode_version(uint8_t version, uint8_t type, uint32_t seq, const uint8_t* body,
                                uint16_t body_len, uint8_t* out, size_t cap) {
  buffer_sink b;
  size_t n;
  b.out = out;
  b.cap = cap;
  b.len = 0;
  n = write_frame(version, type, seq, body, body_len, put_buffer, &b);
  return (n == 0 || n > cap) ? 0 : n;
}

size_t fpt_frame_encode(uint8_t type, uint32_t seq, const uint8_t* body, uint16_t body_len,
                        uint8_t* out, size_t cap) {
  return fpt_frame_encode_version(FPT_PROTOCOL_VERSION, type, seq, body, body_len, out, cap);
}

/* ---- sample index tracking ----------------------------------------------------------------- */

void fpt_index_tracker_reset(fpt_index_tracker* t) {
  memset(t, 0, sizeof(*t));
}

uint32_t fpt_index_track(fpt_index_tracker* t, uint32_t first, uint32_t n) {
  uint32_t missing = 0;
  if (t->valid && first != t->next_index) {
    uint32_t diff = first - t->next_index; /* modulo 2^32 */
    if (diff < 0x80000000u) {
      missing = diff;
      t->gaps++;
      t->samples_lost += diff;
    } else {
      t->rewinds++;
    }
  }
  t->valid = 1;
  t->next_index = first + n;
  return missing;
}
