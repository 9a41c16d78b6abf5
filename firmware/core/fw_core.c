/* The portable firmware core. See fw_core.h for the contexts and the ring discipline. */
#include "fw_core.h"

#include <string.h>

#include "fpt_messages.h"
#include "fpt_wire.h"
#include "fw_board.h"
#include "fw_platform.h"

/* Keeps the compiler from moving ring stores past the index store that publishes them. */
#define FW_BARRIER() __asm__ __volatile__("" ::: "memory")

#define MAX_EMG_SETS_PER_FRAME 20u /* 2000 Hz / 100 frames per second */
#define MAX_IMU_SETS_PER_FRAME 20u /* 200 Hz / 10 frames per second */
#define STATUS_PERIOD_MS 1000u
#define RX_BUFFER 32u /* the longest command is 12 bytes decoded */

typedef struct {
  uint32_t index;
  uint16_t code[FW_EMG_CHANNELS];
} emg_slot;

typedef struct {
  uint32_t index;
  uint16_t code[FW_IMU_AXES];
} imu_slot;

/* ---- shared between the interrupts (producer) and the main loop (consumer) ---------------- */
static emg_slot emg_ring[FW_EMG_RING];
static imu_slot imu_ring[FW_IMU_RING];
static volatile uint8_t emg_head, emg_tail, imu_head, imu_tail;
static volatile uint8_t streaming;
static volatile uint8_t adc_busy;                  /* a sample set is being converted */
static volatile uint32_t emg_dropped, imu_dropped; /* written by the interrupts only */
static fw_counters counters;                       /* the rest: main loop only */

/* ---- interrupt side ------------------------------------------------------------------------- */
static uint32_t emg_index, imu_index; /* next sample index of each clock */
static uint32_t tick_index;           /* index of the set being converted */
static uint16_t set_codes[FW_EMG_CHANNELS];
static uint16_t imu_codes[FW_IMU_AXES];
static uint8_t set_pos;      /* EMG channels converted so far in this set */
static uint8_t tick_axis;    /* IMU axis converted at this tick, or FW_NO_CHANNEL */
static uint8_t imu_phase;    /* ticks into the IMU period: axis k is sampled at phase k */
static uint8_t imu_divider;  /* EMG ticks per IMU sample */
static uint8_t imu_set_lost; /* an axis of the current IMU set was missed */

/* ---- main-loop side ------------------------------------------------------------------------- */
static uint16_t emg_rate = FW_DEFAULT_EMG_HZ, imu_rate = FW_DEFAULT_IMU_HZ;
static uint32_t tx_seq;
static uint8_t emg_body[FPT_EMG_HEADER_SIZE + MAX_EMG_SETS_PER_FRAME * FW_EMG_CHANNELS * 2u];
static uint8_t emg_sets;
static uint32_t emg_first;
static uint8_t imu_body[FPT_IMU_HEADER_SIZE + MAX_IMU_SETS_PER_FRAME * FW_IMU_AXES * 2u];
static uint8_t imu_sets;
static uint32_t imu_first;
static uint8_t rx_buf[RX_BUFFER];
static fpt_decoder decoder;
static uint32_t next_status_ms;
static uint8_t hello_pending;

static uint8_t emg_sets_per_frame(void) {
  return (uint8_t)(emg_rate / FW_FRAMES_PER_SECOND);
}

static uint8_t imu_sets_per_frame(void) {
  return (uint8_t)(imu_rate / FW_IMU_FRAMES_PER_SECOND);
}

/* ---- interrupt side ------------------------------------------------------------------------- */

static void push_emg(void) {
  const uint8_t head = emg_head;
  const uint8_t next = (uint8_t)((head + 1u) % FW_EMG_RING);
  if (next == emg_tail) {
    emg_dropped++;
    return;
  }
  emg_ring[head].index = tick_index;
  memcpy(emg_ring[head].code, set_codes, sizeof set_codes);
  FW_BARRIER();
  emg_head = next;
}

static void finish_imu_set(void) {
  if (imu_set_lost) {
    imu_dropped++;
  } else {
    const uint8_t head = imu_head;
    const uint8_t next = (uint8_t)((head + 1u) % FW_IMU_RING);
    if (next == imu_tail) {
      imu_dropped++;
    } else {
      imu_ring[head].index = imu_index;
      memcpy(imu_ring[head].code, imu_codes, sizeof imu_codes);
      FW_BARRIER();
      imu_head = next;
    }
  }
  imu_index++;
  imu_set_lost = 0;
}

uint8_t fw_tick(void) {
  uint8_t phase;
  if (!streaming) return FW_NO_CHANNEL;
  phase = imu_phase;
  imu_phase = (uint8_t)(phase + 1u == imu_divider ? 0u : phase + 1u);
  if (imu_divider == 0u) phase = FW_NO_CHANNEL; /* no IMU */
  if (adc_busy) {
    /* The previous set has not finished converting: this one is lost, and its index with
     * it, so the host sees the gap. */
    emg_index++;
    emg_dropped++;
    if (phase < FW_IMU_AXES) {
      imu_set_lost = 1;
      if (phase == FW_IMU_AXES - 1u) finish_imu_set();
    }
    return FW_NO_CHANNEL;
  }
  adc_busy = 1;
  set_pos = 0;
  tick_index = emg_index++;
  tick_axis = phase < FW_IMU_AXES ? phase : FW_NO_CHANNEL;
  return 0;
}

uint8_t fw_adc_result(uint16_t code) {
  if (!adc_busy) return FW_NO_CHANNEL;
  if (set_pos < FW_EMG_CHANNELS) {
    set_codes[set_pos++] = code;
    if (set_pos < FW_EMG_CHANNELS) return set_pos;
    push_emg();
    if (tick_axis != FW_NO_CHANNEL) return (uint8_t)(FW_EMG_CHANNELS + tick_axis);
    adc_busy = 0;
    return FW_NO_CHANNEL;
  }
  imu_codes[tick_axis] = code;
  if (tick_axis == FW_IMU_AXES - 1u) finish_imu_set();
  adc_busy = 0;
  return FW_NO_CHANNEL;
}

/* ---- main-loop side ------------------------------------------------------------------------- */

static void put_tx(void* ctx, uint8_t byte) {
  (void)ctx;
  plat_tx_put(byte);
}

/* Worst-case encoded size of a frame with this body: COBS overhead, delimiter. */
static uint16_t encoded_size(uint16_t body_len) {
  const uint16_t raw = (uint16_t)(FPT_HEADER_SIZE + body_len + FPT_CRC_SIZE);
  return (uint16_t)(raw + raw / 254u + 2u);
}

/* Sends a frame when the transmit queue has room; returns 0 (nothing sent) otherwise. */
static uint8_t try_send(uint8_t type, const uint8_t* body, uint16_t len) {
  if (plat_tx_free() < encoded_size(len)) return 0;
  fpt_frame_write(type, tx_seq++, body, len, put_tx, 0);
  counters.frames_sent++;
  return 1;
}

/* Replies are rare and short: wait for room (the UART interrupt keeps draining). */
static void send_reply(uint8_t type, const uint8_t* body, uint16_t len) {
  while (!try_send(type, body, len)) {
  }
}

static void send_hello(void) {
  fpt_hello h;
  uint8_t body[FPT_HELLO_FIXED_SIZE + FW_EMG_CHANNELS * FPT_HELLO_CHANNEL_SIZE];
  uint16_t len;
  uint8_t c;
  memset(&h, 0, sizeof h);
  h.protocol_version = FPT_PROTOCOL_VERSION;
  h.fw_major = FW_VERSION_MAJOR;
  h.fw_minor = FW_VERSION_MINOR;
  h.fw_patch = FW_VERSION_PATCH;
  h.board_model = FW_BOARD_MODEL;
  strncpy(h.serial, FW_SERIAL, FPT_SERIAL_LEN);
  h.emg_rate_hz = emg_rate;
  h.emg_sets_per_frame = emg_sets_per_frame();
  h.sample_bytes = 2;
  h.n_emg = FW_EMG_CHANNELS;
  h.imu_kind = imu_rate > 0u ? FPT_IMU_ACCEL : FPT_IMU_NONE;
  h.imu_axes = imu_rate > 0u ? FW_IMU_AXES : 0u;
  h.imu_rate_hz = imu_rate;
  h.accel_scale_g = FW_ADC_REF_MV / FW_ADC_CODES / FW_ACCEL_MV_PER_G;
  h.accel_zero_code = FW_ACCEL_ZERO_CODE;
  for (c = 0; c < FW_EMG_CHANNELS; ++c) {
    h.channels[c].role = c; /* A0 glute, A1 hamstring, A2 lumbar */
    h.channels[c].side = FPT_SIDE_RIGHT;
    h.channels[c].adc_bits = FW_ADC_BITS;
    h.channels[c].scale_uv = FW_ADC_REF_MV * 1000.0f / FW_ADC_CODES / FW_EMG_GAIN;
    h.channels[c].zero_code = FW_EMG_ZERO_CODE;
  }
  len = fpt_hello_pack(&h, body, sizeof body);
  send_reply(FPT_FRAME_HELLO, body, len);
}

static void send_ack(const fpt_frame* f, uint32_t value) {
  fpt_ack a;
  uint8_t body[FPT_ACK_SIZE];
  a.command_type = f->type;
  a.command_seq = f->seq;
  a.value = value;
  send_reply(FPT_FRAME_ACK, body, fpt_ack_pack(&a, body, sizeof body));
}

static void send_nak(const fpt_frame* f, uint8_t reason) {
  fpt_nak n;
  uint8_t body[FPT_NAK_SIZE];
  n.command_type = f->type;
  n.command_seq = f->seq;
  n.reason = reason;
  send_reply(FPT_FRAME_NAK, body, fpt_nak_pack(&n, body, sizeof body));
}

static uint8_t send_emg_frame(void) {
  const uint16_t len = fpt_emg_body_size(FW_EMG_CHANNELS, emg_sets, 2);
  fpt_emg_put_header(emg_body, emg_first, (uint32_t)(emg_first * (uint32_t)(1000000ul / emg_rate)),
                     FW_EMG_CHANNELS, emg_sets, 2);
  if (!try_send(FPT_FRAME_EMG, emg_body, len)) return 0;
  emg_sets = 0;
  return 1;
}

static uint8_t send_imu_frame(void) {
  const uint16_t len = fpt_imu_body_size(FW_IMU_AXES, imu_sets);
  fpt_imu_put_header(imu_body, imu_first, (uint32_t)(imu_first * (uint32_t)(1000000ul / imu_rate)),
                     FW_IMU_AXES, imu_sets);
  if (!try_send(FPT_FRAME_IMU, imu_body, len)) return 0;
  imu_sets = 0;
  return 1;
}

/* Moves sample sets from the rings into frames; a frame is sent when full or when the next
 * set does not follow it (a set was lost). Returns 1 when it did anything. */
static uint8_t drain_samples(uint8_t flush) {
  uint8_t worked = 0;
  uint8_t c;
  for (;;) {
    const uint8_t have = emg_tail != emg_head;
    const emg_slot* s = &emg_ring[emg_tail];
    if (emg_sets > 0 && (emg_sets == emg_sets_per_frame() ||
                         (have && s->index != emg_first + emg_sets) || (!have && flush))) {
      if (!send_emg_frame()) return worked;
      worked = 1;
      continue;
    }
    if (!have) break;
    if (emg_sets == 0) {
      /* The header first: the sample offsets are computed from it. */
      emg_first = s->index;
      fpt_emg_put_header(emg_body, emg_first, 0, FW_EMG_CHANNELS, emg_sets_per_frame(), 2);
    }
    for (c = 0; c < FW_EMG_CHANNELS; ++c)
      fpt_emg_put_sample(emg_body, emg_sets, c, (int32_t)s->code[c]);
    emg_sets++;
    FW_BARRIER();
    emg_tail = (uint8_t)((emg_tail + 1u) % FW_EMG_RING);
    worked = 1;
  }
  for (;;) {
    const uint8_t have = imu_tail != imu_head;
    const imu_slot* s = &imu_ring[imu_tail];
    if (imu_sets > 0 && (imu_sets == imu_sets_per_frame() ||
                         (have && s->index != imu_first + imu_sets) || (!have && flush))) {
      if (!send_imu_frame()) return worked;
      worked = 1;
      continue;
    }
    if (!have) break;
    if (imu_sets == 0) {
      imu_first = s->index;
      fpt_imu_put_header(imu_body, imu_first, 0, FW_IMU_AXES, imu_sets_per_frame());
    }
    for (c = 0; c < FW_IMU_AXES; ++c)
      fpt_imu_put_sample(imu_body, imu_sets, c, (int16_t)s->code[c]);
    imu_sets++;
    FW_BARRIER();
    imu_tail = (uint8_t)((imu_tail + 1u) % FW_IMU_RING);
    worked = 1;
  }
  return worked;
}

static void start_streaming(void) {
  if (streaming) return;
  imu_phase = 0;
  imu_set_lost = 0;
  imu_divider = (uint8_t)(imu_rate > 0u ? emg_rate / imu_rate : 0u);
  streaming = 1;
  plat_sampling(emg_rate);
}

static void stop_streaming(void) {
  if (!streaming) return;
  plat_sampling(0);
  streaming = 0;
  /* The set being converted completes from its interrupt; a port without interrupts (the
   * host tests) has none in flight. Then everything collected goes out. */
  while (adc_busy) {
  }
  while (emg_tail != emg_head || imu_tail != imu_head || emg_sets > 0 || imu_sets > 0)
    drain_samples(1);
}

/* SET_RATE: EMG 500, 1000 or 2000 Hz; IMU 0 (keep), or a divisor of it leaving at least
 * three EMG ticks per IMU sample (one axis is converted per tick). */
static uint8_t rates_valid(uint16_t emg, uint16_t imu) {
  if (emg != 500u && emg != 1000u && emg != 2000u) return 0;
  if (imu == 0u) imu = imu_rate;
  if (imu == 0u) return 1;
  if (imu < FW_IMU_FRAMES_PER_SECOND || emg % imu != 0u || emg / imu < FW_IMU_AXES) return 0;
  if (imu % FW_IMU_FRAMES_PER_SECOND != 0u ||
      imu / FW_IMU_FRAMES_PER_SECOND > MAX_IMU_SETS_PER_FRAME)
    return 0;
  return emg / imu <= 255u;
}

static void on_command(const fpt_frame* f) {
  counters.commands++;
  switch (f->type) {
    case FPT_FRAME_INFO:
      send_hello();
      break;
    case FPT_FRAME_START:
      start_streaming();
      send_ack(f, 0);
      break;
    case FPT_FRAME_STOP:
      stop_streaming();
      send_ack(f, 0);
      break;
    case FPT_FRAME_PING:
      send_ack(f, f->body_len >= 4u ? fpt_get_u32(f->body) : 0u);
      break;
    case FPT_FRAME_SET_RATE: {
      uint16_t emg, imu;
      if (f->body_len != 4u) {
        send_nak(f, FPT_NAK_BAD_ARGUMENT);
        break;
      }
      emg = fpt_get_u16(f->body);
      imu = fpt_get_u16(f->body + 2);
      if (streaming) {
        send_nak(f, FPT_NAK_BUSY);
      } else if (!rates_valid(emg, imu)) {
        send_nak(f, FPT_NAK_BAD_ARGUMENT);
      } else {
        emg_rate = emg;
        if (imu != 0u) imu_rate = imu;
        emg_index = 0; /* a new sample clock */
        imu_index = 0;
        send_ack(f, emg);
      }
      break;
    }
    default:
      send_nak(f, FPT_NAK_UNSUPPORTED);
      break;
  }
}

/* A 32-bit counter an interrupt may be incrementing: read until two reads agree (an 8-bit
 * MCU reads it one byte at a time). */
static uint32_t read_stable(const volatile uint32_t* v) {
  uint32_t a, b;
  do {
    a = *v;
    b = *v;
  } while (a != b);
  return a;
}

static void send_status(void) {
  fpt_status s;
  uint8_t body[FPT_STATUS_SIZE];
  s.uptime_ms = plat_millis();
  s.emg_dropped = read_stable(&emg_dropped);
  s.imu_dropped = read_stable(&imu_dropped);
  s.tx_overruns = counters.tx_overruns;
  s.streaming = streaming;
  try_send(FPT_FRAME_STATUS, body, fpt_status_pack(&s, body, sizeof body));
}

void fw_init(void) {
  emg_head = emg_tail = imu_head = imu_tail = 0;
  streaming = 0;
  adc_busy = 0;
  memset(&counters, 0, sizeof counters);
  emg_dropped = imu_dropped = 0;
  emg_index = imu_index = 0;
  emg_rate = FW_DEFAULT_EMG_HZ;
  imu_rate = FW_DEFAULT_IMU_HZ;
  tx_seq = 0;
  emg_sets = imu_sets = 0;
  fpt_decoder_init(&decoder, rx_buf, sizeof rx_buf);
  next_status_ms = STATUS_PERIOD_MS;
  hello_pending = 1;
}

uint8_t fw_poll(void) {
  uint8_t worked = 0;
  uint8_t byte;
  fpt_frame f;
  if (hello_pending) {
    hello_pending = 0;
    send_hello();
    worked = 1;
  }
  while (plat_rx_get(&byte)) {
    const fpt_dec_result r = fpt_decoder_push(&decoder, byte, &f);
    if (r == FPT_DEC_FRAME) on_command(&f);
    if (r == FPT_DEC_ERROR) counters.bad_frames++;
    worked = 1;
  }
  if (drain_samples(0)) worked = 1;
  if ((int32_t)(plat_millis() - next_status_ms) >= 0) {
    next_status_ms += STATUS_PERIOD_MS;
    send_status();
    worked = 1;
  }
  return worked;
}

uint8_t fw_pending(void) {
  return emg_tail != emg_head || imu_tail != imu_head;
}

uint8_t fw_streaming(void) {
  return streaming;
}

uint16_t fw_emg_rate(void) {
  return emg_rate;
}

fw_counters fw_get_counters(void) {
  fw_counters c = counters;
  c.emg_dropped = read_stable(&emg_dropped);
  c.imu_dropped = read_stable(&imu_dropped);
  return c;
}
