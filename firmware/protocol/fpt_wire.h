/* fpt wire protocol v1: framing (COBS, CRC-16/CCITT-FALSE, sequence numbers).
 *
 * Shared by the firmware and the host; C99, no allocation, no I/O. See docs/protocol.md.
 *
 * Decoded frame layout (all multi-byte fields little-endian):
 *   offset 0  u8   protocol version (FPT_PROTOCOL_VERSION)
 *   offset 1  u8   frame type (fpt_frame_type)
 *   offset 2  u32  frame sequence number (per direction, wraps at 2^32)
 *   offset 6  ...  body (0..FPT_MAX_BODY bytes, layout per type in fpt_messages.h)
 *   last 2    u16  CRC-16/CCITT-FALSE over version..end of body
 * On the wire the frame is COBS-encoded and followed by one 0x00 delimiter.
 */
#ifndef FPT_WIRE_H
#define FPT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FPT_PROTOCOL_VERSION 1u
#define FPT_HEADER_SIZE 6u
#define FPT_CRC_SIZE 2u
#define FPT_MAX_BODY 1024u
#define FPT_MAX_FRAME (FPT_HEADER_SIZE + FPT_MAX_BODY + FPT_CRC_SIZE)
/* COBS adds one byte per 254 and one in front; plus the delimiter. */
#define FPT_MAX_ENCODED (FPT_MAX_FRAME + FPT_MAX_FRAME / 254u + 2u)

typedef enum {
  FPT_FRAME_HELLO = 0x01,    /* board -> host: device info */
  FPT_FRAME_EMG = 0x02,      /* board -> host: EMG sample sets */
  FPT_FRAME_IMU = 0x03,      /* board -> host: IMU sample sets */
  FPT_FRAME_STATUS = 0x04,   /* board -> host: health counters */
  FPT_FRAME_START = 0x10,    /* host -> board: start streaming */
  FPT_FRAME_STOP = 0x11,     /* host -> board: stop streaming */
  FPT_FRAME_INFO = 0x12,     /* host -> board: send HELLO */
  FPT_FRAME_PING = 0x13,     /* host -> board: echo a token */
  FPT_FRAME_SET_RATE = 0x14, /* host -> board: change sample rates */
  FPT_FRAME_ACK = 0x20,      /* board -> host: command accepted */
  FPT_FRAME_NAK = 0x21       /* board -> host: command refused */
} fpt_frame_type;

/* 1 when this protocol version defines the type; unknown types are skipped and counted. */
int fpt_frame_type_known(uint8_t type);

/* CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor. */
uint16_t fpt_crc16_update(uint16_t crc, uint8_t byte);
uint16_t fpt_crc16(const uint8_t* data, size_t len);

/* A decoded frame; body points into the decoder's buffer and stays valid until the next push. */
typedef struct {
  uint8_t version;
  uint8_t type;
  uint32_t seq;
  const uint8_t* body;
  uint16_t body_len;
} fpt_frame;

/* Counters kept by the decoder instead of logging. All wrap silently. */
typedef struct {
  uint32_t bytes;               /* bytes pushed */
  uint32_t frames_ok;           /* frames with good CRC, known version and type */
  uint32_t crc_errors;          /* frames whose CRC did not match */
  uint32_t cobs_errors;         /* frames whose COBS encoding was invalid */
  uint32_t short_frames;        /* frames shorter than header + CRC */
  uint32_t oversize;            /* frames longer than the buffer */
  uint32_t resyncs;             /* times the decoder threw bytes away and waited for a delimiter */
  uint32_t version_errors;      /* frames with another protocol version */
  uint32_t unknown_types;       /* frames of a type this version does not know (skipped) */
  uint32_t seq_gaps;            /* gap events in the sequence number */
  uint32_t frames_lost;         /* sum of missing sequence numbers over all gaps */
  uint32_t seq_resets;          /* sequence went backwards (peer restarted) */
  uint32_t presync_discards;    /* partial frames dropped before the first delimiter after a
                                  reset: sent before this side listened, not errors */
  uint8_t last_foreign_version; /* version byte of the last foreign-version frame */
} fpt_wire_stats;

typedef enum {
  FPT_DEC_NONE = 0,  /* need more bytes (or an empty/skipped frame) */
  FPT_DEC_FRAME = 1, /* *out holds a valid frame */
  FPT_DEC_ERROR = 2  /* a bad frame was discarded; see stats */
} fpt_dec_result;

/* Byte-at-a-time decoder over caller-owned storage of at least FPT_MAX_ENCODED bytes
 * (smaller buffers are allowed; longer frames then count as oversize). */
typedef struct {
  uint8_t* buf;
  uint16_t cap;
  uint16_t len;
  uint8_t discarding; /* overflowed: drop bytes until the next delimiter */
  uint8_t have_seq;
  uint8_t synced; /* a delimiter has been seen since the last reset */
  uint32_t next_seq;
  fpt_wire_stats stats;
} fpt_decoder;

void fpt_decoder_init(fpt_decoder* d, uint8_t* buf, uint16_t cap);
/* Forget partial input and the expected sequence number (e.g. after reopening a port). Until
 * the next delimiter, a frame that fails to decode is the tail of one sent before this side
 * listened: it is counted in presync_discards, not as an error. */
void fpt_decoder_reset(fpt_decoder* d);
fpt_dec_result fpt_decoder_push(fpt_decoder* d, uint8_t byte, fpt_frame* out);

/* Byte sink for streaming output (firmware UART, host buffers). */
typedef void (*fpt_put_fn)(void* ctx, uint8_t byte);

/* Writes one complete frame (COBS + delimiter) byte by byte to put, without a frame buffer.
 * Returns the number of bytes written, or 0 when body_len exceeds FPT_MAX_BODY. */
size_t fpt_frame_write(uint8_t type, uint32_t seq, const uint8_t* body, uint16_t body_len,
                       fpt_put_fn put, void* ctx);

/* Same, into out[0..cap). Returns bytes written, or 0 when it does not fit. */
size_t fpt_frame_encode(uint8_t type, uint32_t seq, const uint8_t* body, uint16_t body_len,
                        uint8_t* out, size_t cap);

/* fpt_frame_encode with another version byte: for test peers that speak a future version. */
size_t fpt_frame_encode_version(uint8_t version, uint8_t type, uint32_t seq, const uint8_t* body,
                                uint16_t body_len, uint8_t* out, size_t cap);

/* Tracks a stream's sample index (EMG or IMU) and counts gaps, modulo 2^32. */
typedef struct {
  uint8_t valid;
  uint32_t next_index;
  uint32_t gaps;
  uint32_t samples_lost;
  uint32_t rewinds; /* index went backwards: board restarted its sample clock */
} fpt_index_tracker;

void fpt_index_tracker_reset(fpt_index_tracker* t);
/* Records a block of n sample sets starting at first; returns how many sets were missing
 * before it (0 when contiguous or on the first block). */
uint32_t fpt_index_track(fpt_index_tracker* t, uint32_t first, uint32_t n);

#ifdef __cplusplus
}
#endif

#endif /* FPT_WIRE_H */
