/* fpt wire protocol v1: frame bodies. See fpt_messages.h for the layouts. */
#include "fpt_messages.h"

#include <string.h>

void fpt_put_u16(uint8_t* p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}

void fpt_put_u32(uint8_t* p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

void fpt_put_f32(uint8_t* p, float v) {
  uint32_t bits;
  memcpy(&bits, &v, sizeof bits);
  fpt_put_u32(p, bits);
}

uint16_t fpt_get_u16(const uint8_t* p) {
  return (uint16_t)(p[0] | (p[1] << 8));
}

uint32_t fpt_get_u32(const uint8_t* p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

float fpt_get_f32(const uint8_t* p) {
  uint32_t bits = fpt_get_u32(p);
  float v;
  memcpy(&v, &bits, sizeof v);
  return v;
}

/* ---- HELLO --------------------------------------------------------------------------------- */

uint16_t fpt_hello_pack(const fpt_hello* h, uint8_t* body, uint16_t cap) {
  uint16_t size;
  uint8_t i;
  size_t serial_len;
  if (h->n_emg > FPT_MAX_EMG_CHANNELS) return 0;
  size = (uint16_t)(FPT_HELLO_FIXED_SIZE + FPT_HELLO_CHANNEL_SIZE * h->n_emg);
  if (size > cap) return 0;
  memset(body, 0, size);
  body[0] = h->protocol_version;
  body[1] = h->fw_major;
  body[2] = h->fw_minor;
  body[3] = h->fw_patch;
  fpt_put_u16(body + 4, h->board_model);
  serial_len = strlen(h->serial);
  memcpy(body + 6, h->serial, serial_len < FPT_SERIAL_LEN ? serial_len : FPT_SERIAL_LEN);
  fpt_put_u16(body + 22, h->emg_rate_hz);
  body[24] = h->emg_sets_per_frame;
  body[25] = h->sample_bytes;
  body[26] = h->n_emg;
  body[27] = h->imu_kind;
  body[28] = h->imu_axes;
  fpt_put_u16(body + 29, h->imu_rate_hz);
  fpt_put_f32(body + 31, h->accel_scale_g);
  fpt_put_u32(body + 35, (uint32_t)h->accel_zero_code);
  fpt_put_f32(body + 39, h->gyro_scale_dps);
  for (i = 0; i < h->n_emg; ++i) {
    uint8_t* c = body + FPT_HELLO_FIXED_SIZE + FPT_HELLO_CHANNEL_SIZE * i;
    c[0] = h->channels[i].role;
    c[1] = h->channels[i].side;
    c[2] = h->channels[i].adc_bits;
    fpt_put_f32(c + 3, h->channels[i].scale_uv);
    fpt_put_u32(c + 7, (uint32_t)h->channels[i].zero_code);
  }
  return size;
}

int fpt_hello_unpack(const uint8_t* body, uint16_t len, fpt_hello* h) {
  uint8_t i;
  if (len < FPT_HELLO_FIXED_SIZE) return 0;
  memset(h, 0, sizeof(*h));
  h->protocol_version = body[0];
  h->fw_major = body[1];
  h->fw_minor = body[2];
  h->fw_patch = body[3];
  h->board_model = fpt_get_u16(body + 4);
  memcpy(h->serial, body + 6, FPT_SERIAL_LEN);
  h->serial[FPT_SERIAL_LEN] = '\0';
  h->emg_rate_hz = fpt_get_u16(body + 22);
  h->emg_sets_per_frame = body[24];
  h->sample_bytes = body[25];
  h->n_emg = body[26];
  h->imu_kind = body[27];
  h->imu_axes = body[28];
  h->imu_rate_hz = fpt_get_u16(body + 29);
  h->accel_scale_g = fpt_get_f32(body + 31);
  h->accel_zero_code = (int32_t)fpt_get_u32(body + 35);
  h->gyro_scale_dps = fpt_get_f32(body + 39);
  if (h->n_emg > FPT_MAX_EMG_CHANNELS || h->imu_axes > FPT_MAX_IMU_AXES) return 0;
  if (h->sample_bytes != 2 && h->sample_bytes != 3) return 0;
  if (len != FPT_HELLO_FIXED_SIZE + FPT_HELLO_CHANNEL_SIZE * h->n_emg) return 0;
  for (i = 0; i < h->n_emg; ++i) {
    const uint8_t* c = body + FPT_HELLO_FIXED_SIZE + FPT_HELLO_CHANNEL_SIZE * i;
    h->channels[i].role = c[0];
    h->channels[i].side = c[1];
    h->channels[i].adc_bits = c[2];
    h->channels[i].scale_uv = fpt_get_f32(c + 3);
    h->channels[i].zero_code = (int32_t)fpt_get_u32(c + 7);
  }
  return 1;
}

/* ---- EMG ----------------------------------------------------------------------------------- */

uint16_t fpt_emg_body_size(uint8_t n_channels, uint8_t n_sets, uint8_t sample_bytes) {
  return (uint16_t)(FPT_EMG_HEADER_SIZE + (uint16_t)n_channels * n_sets * sample_bytes);
}

void fpt_emg_put_header(uint8_t* body, uint32_t first_index, uint32_t device_time_us,
                        uint8_t n_channels, uint8_t n_sets, uint8_t sample_bytes) {
  fpt_put_u32(body, first_index);
  fpt_put_u32(body + 4, device_time_us);
  body[8] = n_channels;
  body[9] = n_sets;
  body[10] = sample_bytes;
}

void fpt_emg_put_sample(uint8_t* body, uint16_t set, uint8_t channel, int32_t code) {
  uint8_t n_channels = body[8];
  uint8_t sample_bytes = body[10];
  uint8_t* p = body + FPT_EMG_HEADER_SIZE + ((uint16_t)set * n_channels + channel) * sample_bytes;
  p[0] = (uint8_t)code;
  p[1] = (uint8_t)((uint32_t)code >> 8);
  if (sample_bytes == 3) p[2] = (uint8_t)((uint32_t)code >> 16);
}

int fpt_emg_unpack(const uint8_t* body, uint16_t len, fpt_emg_view* v) {
  if (len < FPT_EMG_HEADER_SIZE) return 0;
  v->first_index = fpt_get_u32(body);
  v->device_time_us = fpt_get_u32(body + 4);
  v->n_channels = body[8];
  v->n_sets = body[9];
  v->sample_bytes = body[10];
  v->samples = body + FPT_EMG_HEADER_SIZE;
  if (v->n_channels == 0 || v->n_channels > FPT_MAX_EMG_CHANNELS) return 0;
  if (v->sample_bytes != 2 && v->sample_bytes != 3) return 0;
  return len == fpt_emg_body_size(v->n_channels, v->n_sets, v->sample_bytes);
}

int32_t fpt_emg_sample(const fpt_emg_view* v, uint16_t set, uint8_t channel) {
  const uint8_t* p = v->samples + ((uint16_t)set * v->n_channels + channel) * v->sample_bytes;
  if (v->sample_bytes == 2) return (int16_t)(uint16_t)(p[0] | (p[1] << 8));
  {
    uint32_t u = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
    if (u & 0x800000u) u |= 0xFF000000u; /* sign-extend 24 bits */
    return (int32_t)u;
  }
}

/* ---- IMU ----------------------------------------------------------------------------------- */

uint16_t fpt_imu_body_size(uint8_t n_axes, uint8_t n_sets) {
  return (uint16_t)(FPT_IMU_HEADER_SIZE + (uint16_t)n_axes * n_sets * 2u);
}

void fpt_imu_put_header(uint8_t* body, uint32_t first_index, uint32_t device_time_us,
                        uint8_t n_axes, uint8_t n_sets) {
  fpt_put_u32(body, first_index);
  fpt_put_u32(body + 4, device_time_us);
  body[8] = n_axes;
  body[9] = n_sets;
}

void fpt_imu_put_sample(uint8_t* body, uint16_t set, uint8_t axis, int16_t code) {
  uint8_t n_axes = body[8];
  fpt_put_u16(body + FPT_IMU_HEADER_SIZE + ((uint16_t)set * n_axes + axis) * 2u, (uint16_t)code);
}

int fpt_imu_unpack(const uint8_t* body, uint16_t len, fpt_imu_view* v) {
  if (len < FPT_IMU_HEADER_SIZE) return 0;
  v->first_index = fpt_get_u32(body);
  v->device_time_us = fpt_get_u32(body + 4);
  v->n_axes = body[8];
  v->n_sets = body[9];
  v->samples = body + FPT_IMU_HEADER_SIZE;
  if (v->n_axes == 0 || v->n_axes > FPT_MAX_IMU_AXES) return 0;
  return len == fpt_imu_body_size(v->n_axes, v->n_sets);
}

int16_t fpt_imu_sample(const fpt_imu_view* v, uint16_t set, uint8_t axis) {
  return (int16_t)fpt_get_u16(v->samples + ((uint16_t)set * v->n_axes + axis) * 2u);
}

/* ---- STATUS, ACK, NAK ---------------------------------------------------------------------- */

uint16_t fpt_status_pack(const fpt_status* s, uint8_t* body, uint16_t cap) {
  if (cap < FPT_STATUS_SIZE) return 0;
  fpt_put_u32(body, s->uptime_ms);
  fpt_put_u32(body + 4, s->emg_dropped);
  fpt_put_u32(body + 8, s->imu_dropped);
  fpt_put_u32(body + 12, s->tx_overruns);
  body[16] = s->streaming;
  return FPT_STATUS_SIZE;
}

int fpt_status_unpack(const uint8_t* body, uint16_t len, fpt_status* s) {
  if (len != FPT_STATUS_SIZE) return 0;
  s->uptime_ms = fpt_get_u32(body);
  s->emg_dropped = fpt_get_u32(body + 4);
  s->imu_dropped = fpt_get_u32(body + 8);
  s->tx_overruns = fpt_get_u32(body + 12);
  s->streaming = body[16];
  return 1;
}

uint16_t fpt_ack_pack(const fpt_ack* a, uint8_t* body, uint16_t cap) {
  if (cap < FPT_ACK_SIZE) return 0;
  body[0] = a->command_type;
  fpt_put_u32(body + 1, a->command_seq);
  fpt_put_u32(body + 5, a->value);
  return FPT_ACK_SIZE;
}

int fpt_ack_unpack(const uint8_t* body, uint16_t len, fpt_ack* a) {
  if (len != FPT_ACK_SIZE) return 0;
  a->command_type = body[0];
  a->command_seq = fpt_get_u32(body + 1);
  a->value = fpt_get_u32(body + 5);
  return 1;
}

uint16_t fpt_nak_pack(const fpt_nak* n, uint8_t* body, uint16_t cap) {
  if (cap < FPT_NAK_SIZE) return 0;
  body[0] = n->command_type;
  fpt_put_u32(body + 1, n->command_seq);
  body[5] = n->reason;
  return FPT_NAK_SIZE;
}

int fpt_nak_unpack(const uint8_t* body, uint16_t len, fpt_nak* n) {
  if (len != FPT_NAK_SIZE) return 0;
  n->command_type = body[0];
  n->command_seq = fpt_get_u32(body + 1);
  n->reason = body[5];
  return 1;
}
