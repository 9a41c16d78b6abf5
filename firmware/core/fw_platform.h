/* What the firmware core needs from a board: one header, implemented once per port (the
 * AVR port in avr/, fakes in the host unit tests). The core never touches a register. */
#ifndef FW_PLATFORM_H
#define FW_PLATFORM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes the transmit queue can take now (the UART drains it from its interrupt). */
uint16_t plat_tx_free(void);
/* Queues one byte; called only when plat_tx_free() said there is room. */
void plat_tx_put(uint8_t byte);
/* Takes one received byte; returns 0 when none is waiting. */
uint8_t plat_rx_get(uint8_t* byte);
/* Starts the sampling timer at emg_rate_hz ticks per second, or stops it (rate 0). */
void plat_sampling(uint16_t emg_rate_hz);
/* Starts one ADC conversion of analog input `channel` (the result comes back through
 * fw_adc_result from the conversion-complete interrupt). */
void plat_adc_start(uint8_t channel);
/* Milliseconds since boot (for STATUS). */
uint32_t plat_millis(void);

#ifdef __cplusplus
}
#endif

#endif /* FW_PLATFORM_H */
