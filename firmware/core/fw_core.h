/* The portable firmware core: sampling schedule, sample rings, frame building with the shared
 * protocol code, command handling. Calls only fw_platform.h.
 *
 * Two contexts: the interrupt side (fw_tick from the sampling timer, fw_adc_result from the
 * ADC) fills single-producer rings; the main loop (fw_poll) empties them into frames. Every
 * index is one byte, so each side's reads and writes are atomic on an 8-bit MCU without
 * disabling interrupts. A sample set that finds its ring full is dropped and counted; the
 * main loop then closes the frame it was building, so the host sees the exact gap in the
 * sample index. Nothing is ever dropped silently. */
#ifndef FW_CORE_H
#define FW_CORE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FW_EMG_RING 32u /* sample sets: 32 ms of slack at 1 kHz */
#define FW_IMU_RING 8u
#define FW_NO_CHANNEL 0xFFu

typedef struct {
  uint32_t emg_dropped; /* sets lost: ring full or the ADC still busy at the next tick */
  uint32_t imu_dropped;
  uint32_t tx_overruns; /* frames lost for want of transmit space: always 0 (the core waits) */
  uint32_t frames_sent;
  uint32_t commands;
  uint32_t bad_frames; /* received frames the decoder rejected */
} fw_counters;

/* After reset: state cleared, HELLO queued (the board announces itself on boot). */
void fw_init(void);
/* Main loop: commands in, frames out, STATUS once a second. Returns 1 when it did work, 0
 * when it is idle (the port may sleep until the next interrupt). */
uint8_t fw_poll(void);

/* Sampling timer interrupt: a new sample set begins. Returns the first analog channel to
 * convert, or FW_NO_CHANNEL (not streaming, or the ADC is still busy: the set is lost). */
uint8_t fw_tick(void);
/* ADC conversion-complete interrupt: the result of the channel last started. Returns the
 * next channel to convert, or FW_NO_CHANNEL when the set is complete. */
uint8_t fw_adc_result(uint16_t code);

/* 1 when sample sets wait in the rings (the port must not sleep then). */
uint8_t fw_pending(void);
uint8_t fw_streaming(void);
uint16_t fw_emg_rate(void);
fw_counters fw_get_counters(void);

#ifdef __cplusplus
}
#endif

#endif /* FW_CORE_H */
