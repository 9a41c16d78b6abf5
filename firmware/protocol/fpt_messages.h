/* fpt wire protocol v1: frame bodies. Little-endian; floats are IEEE-754 binary32.
 *
 * HELLO (board -> host), 43 + 11 * n_emg bytes:
 *   0 u8 protocol_version   1 u8 fw_major   2 u8 fw_minor   3 u8 fw_patch
 *   4 u16 board_model       6 char serial[16] (NUL-padded)
 *   22 u16 emg_rate_hz      24 u8 emg_sets_per_frame        25 u8 sample_bytes (2 or 3)
 *   26 u8 n_emg             27 u8 imu_kind                  28 u8 imu_axes
 *   29 u16 imu_rate_hz      31 f32 accel_scale_g (g per LSB)
 *   35 i32 accel_zero_code  39 f32 gyro_scale_dps (deg/s per LSB)
 *   43 + 11*i per EMG channel: u8 role, u8 side, u8 adc_bits, f32 scale_uv (uV per LSB),
 *                               i32 zero_code (code that means 0 uV)
 * EMG (board -> host), 11 + n_sets * n_channels * sample_bytes bytes:
 *   0 u32 first_index (device sample clock)   4 u32 device_time_us (of first_index)
 *   8 u8 n_channels   9 u8 n_sets   10 u8 sample_bytes
 *   11 samples, set-major (set0 ch0, set0 ch1, ..., set1 ch0, ...), signed, 2 or 3 bytes each
 * IMU (board -> host), 10 + n_sets * n_axes * 2 bytes:
 *   0 u32 first_index (IMU sample clock)  4 u32 device_time_us  8 u8 n_axes  9 u8 n_sets
 *   10 i16 samples, set-major (ax, ay, az[, gx, gy, gz])
 * STATUS (board -> host), 17 bytes:
 *   0 u32 uptime_ms  4 u32 emg_dropped  8 u32 imu_dropped  12 u32 tx_overruns  16 u8 streaming
 * START, STOP, INFO: empty.  PING: u32 token.  SET_RATE: u16 emg_rate_hz, u16 imu_rate_hz.
 * ACK: u8 command_type, u32 command_seq, u32 value (PING: the token; SET_RATE: new EMG rate).
 * NAK: u8 command_type, u32 command_seq, u8 reason (fpt_nak_reason).
 */
#ifndef FPT_MESSAGES_H
#define FPT_MESSAGES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FPT_MAX_EMG_CHANNELS 8u
#define FPT_MAX_IMU_AXES 6u
#define FPT_SERIAL_LEN 16u
#define FPT_HELLO_FIXED_SIZE 43u
#define FPT_HELLO_CHANNEL_SIZE 11u
#define FPT_EMG_HEADER_SIZE 11u
#define FPT_IMU_HEADER_SIZE 10u
#define FPT_STATUS_SIZE 17u
#define FPT_ACK_SIZE 9u
#define FPT_NAK_SIZE 6u

typedef enum {
  FPT_ROLE_GLUTE = 0,
  FPT_ROLE_HAMSTRING = 1,
  FPT_ROLE_LUMBAR = 2,
  FPT_ROLE_OTHER = 3
} fpt_role;

typedef enum { FPT_SIDE_LEFT = 0, FPT_SIDE_RIGHT = 1 } fpt_side;

typedef enum { FPT_IMU_NONE = 0, FPT_IMU_ACCEL = 1, FPT_IMU_ACCEL_GYRO = 2 } fpt_imu_kind;

typedef enum {
  FPT_NAK_UNSUPPORTED = 1, /* command not known to this board */
  FPT_NAK_BAD_ARGUMENT = 2,
  FPT_NAK_BUSY = 3 /* e.g. SET_RATE while streaming */
} fpt_nak_reason;

typedef struct {
  uint8_t role;
  uint8_t side;
  uint8_t adc_bits;
  float scale_uv;
  int32_t zero_code;
} fpt_channel_info;

typedef struct {
  uint8_t protocol_version;
  uint8_t fw_major, fw_minor, fw_patch;
  uint16_t board_model;
  char serial[FPT_SERIAL_LEN + 1]; /* NUL-terminated here, NUL-padded on the wire */
  uint16_t emg_rate_hz;
  uint8_t emg_sets_per_frame;
  uint8_t sample_bytes;
  uint8_t n_emg;
  uint8_t imu_kind;
  uint8_t imu_axes;
  uint16_t imu_rate_hz;
  float accel_scale_g;
  int32_t accel_zero_code;
  float gyro_scale_dps;
  fpt_channel_info channels[FPT_MAX_EMG_CHANNELS];
} fpt_hello;

typedef struct {
  uint32_t first_index;
  uint32_t device_time_us;
  uint8_t n_channels;
  uint8_t n_sets;
  uint8_t sample_bytes;
  const uint8_t* samples; /* points into the body */
} fpt_emg_view;

typedef struct {
  uint32_t first_index;
  uint32_t device_time_us;
  uint8_t n_axes;
  uint8_t n_sets;
  const uint8_t* samples;
} fpt_imu_view;

typedef struct {
  uint32_t uptime_ms;
  uint32_t emg_dropped;
  uint32_t imu_dropped;
  uint32_t tx_overruns;
  uint8_t streaming;
} fpt_status;

typedef struct {
  uint8_t command_type;
  uint32_t command_seq;
  uint32_t value;
} fpt_ack;

typedef struct {
  uint8_t command_type;
  uint32_t command_seq;
  uint8_t reason;
} fpt_nak;

/* Little-endian field helpers, shared by the bodies and their users. */
void fpt_put_u16(uint8_t* p, uint16_t v);
void fpt_put_u32(uint8_t* p, uint32_t v);
void fpt_put_f32(uint8_t* p, float v);
uint16_t fpt_get_u16(const uint8_t* p);
uint32_t fpt_get_u32(const uint8_t* p);
float fpt_get_f32(const uint8_t* p);

/* Pack functions return the body length, or 0 when it does not fit in cap or is invalid.
 * Unpack functions return 1 on success, 0 when the body is malformed. */
uint16_t fpt_hello_pack(const fpt_hello* h, uint8_t* body, uint16_t cap);
int fpt_hello_unpack(const uint8_t* body, uint16_t len, fpt_hello* h);

/* EMG bodies are built in place: write the header, then each sample with fpt_emg_put_sample. */
uint16_t fpt_emg_body_size(uint8_t n_channels, uint8_t n_sets, uint8_t sample_bytes);
void fpt_emg_put_header(uint8_t* body, uint32_t first_index, uint32_t device_time_us,
                        uint8_t n_channels, uint8_t n_sets, uint8_t sample_bytes);
void fpt_emg_put_sample(uint8_t* body, uint16_t set, uint8_t channel, int32_t code);
int fpt_emg_unpack(const uint8_t* body, uint16_t len, fpt_emg_view* v);
int32_t fpt_emg_sample(const fpt_emg_view* v, uint16_t set, uint8_t channel);

uint16_t fpt_imu_body_size(uint8_t n_axes, uint8_t n_sets);
void fpt_imu_put_header(uint8_t* body, uint32_t first_index, uint32_t device_time_us,
                        uint8_t n_axes, uint8_t n_sets);
void fpt_imu_put_sample(uint8_t* body, uint16_t set, uint8_t axis, int16_t code);
int fpt_imu_unpack(const uint8_t* body, uint16_t len, fpt_imu_view* v);
int16_t fpt_imu_sample(const fpt_imu_view* v, uint16_t set, uint8_t axis);

uint16_t fpt_status_pack(const fpt_status* s, uint8_t* body, uint16_t cap);
int fpt_status_unpack(const uint8_t* body, uint16_t len, fpt_status* s);
uint16_t fpt_ack_pack(const fpt_ack* a, uint8_t* body, uint16_t cap);
int fpt_ack_unpack(const uint8_t* body, uint16_t len, fpt_ack* a);
uint16_t fpt_nak_pack(const fpt_nak* n, uint8_t* body, uint16_t cap);
int fpt_nak_unpack(const uint8_t* body, uint16_t len, fpt_nak* n);

#ifdef __cplusplus
}
#endif

#endif /* FPT_MESSAGES_H */
