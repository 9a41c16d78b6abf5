/* The AVR port: ATmega328P at 16 MHz (Arduino Uno / Nano). Timer 1 ticks at the EMG rate and
 * starts a scan of the analog inputs; each conversion-complete interrupt starts the next one
 * (the ADC's own auto-trigger is not used: a scan is several conversions). The UART runs from
 * its interrupts at 500000 baud (exact at 16 MHz with U2X). Timer 0 keeps milliseconds. The
 * main loop runs the core and sleeps when there is nothing to do; the watchdog restarts the
 * board if the loop ever hangs. */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <avr/wdt.h>
#include <util/atomic.h>

#include "fw_core.h"
#include "fw_platform.h"

#ifndef FW_BAUD
#define FW_BAUD 500000UL
#endif

/* ---- UART: 256-byte transmit ring (8-bit indices wrap by themselves), 64-byte receive ring */
static volatile uint8_t tx_buf[256];
static volatile uint8_t tx_head, tx_tail;
static volatile uint8_t rx_buf[64];
static volatile uint8_t rx_head, rx_tail;

ISR(USART_UDRE_vect) {
  if (tx_tail == tx_head) {
    UCSR0B &= (uint8_t)~_BV(UDRIE0); /* empty: stop asking */
    return;
  }
  UDR0 = tx_buf[tx_tail];
  tx_tail = (uint8_t)(tx_tail + 1u);
}

ISR(USART_RX_vect) {
  const uint8_t b = UDR0;
  const uint8_t next = (uint8_t)((rx_head + 1u) % sizeof rx_buf);
  if (next != rx_tail) {
    rx_buf[rx_head] = b;
    rx_head = next;
  }
  /* else: a command byte is lost; the frame's CRC fails and the host retries */
}

uint16_t plat_tx_free(void) {
  return (uint8_t)(tx_tail - tx_head - 1u);
}

void plat_tx_put(uint8_t byte) {
  tx_buf[tx_head] = byte;
  tx_head = (uint8_t)(tx_head + 1u);
  UCSR0B |= _BV(UDRIE0);
}

uint8_t plat_rx_get(uint8_t* byte) {
  if (rx_tail == rx_head) return 0;
  *byte = rx_buf[rx_tail];
  rx_tail = (uint8_t)((rx_tail + 1u) % sizeof rx_buf);
  return 1;
}

/* ---- time ------------------------------------------------------------------------------------ */
static volatile uint32_t millis;
static volatile uint16_t ms_in_second;
static volatile uint8_t second_elapsed; /* the core has a STATUS to send */

ISR(TIMER0_COMPA_vect) {
  millis++;
  if (++ms_in_second == 1000u) {
    ms_in_second = 0;
    second_elapsed = 1;
  }
}

uint32_t plat_millis(void) {
  uint32_t m;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
    m = millis;
  }
  return m;
}

/* ---- sampling ---------------------------------------------------------------------------- */
/* AVcc reference; 125 kHz ADC clock (16 MHz / 128, inside the 50-200 kHz of full resolution):
 * 104 us per conversion, four per tick (3 EMG + 1 accelerometer axis) fit 2 kHz. */
static void adc_start(uint8_t channel) {
  ADMUX = (uint8_t)(_BV(REFS0) | (channel & 0x0Fu));
  ADCSRA = _BV(ADEN) | _BV(ADSC) | _BV(ADIE) | _BV(ADPS2) | _BV(ADPS1) | _BV(ADPS0);
}

void plat_adc_start(uint8_t channel) {
  adc_start(channel);
}

ISR(TIMER1_COMPA_vect) {
  const uint8_t channel = fw_tick();
  if (channel != FW_NO_CHANNEL) adc_start(channel);
}

ISR(ADC_vect) {
  /* Read the result before touching ADMUX: the next channel is selected only after. */
  const uint16_t code = ADC;
  const uint8_t next = fw_adc_result(code);
  if (next != FW_NO_CHANNEL) adc_start(next);
}

void plat_sampling(uint16_t rate_hz) {
  TIMSK1 = 0;
  TCCR1B = 0;
  if (rate_hz == 0u) return;
  TCNT1 = 0;
  OCR1A = (uint16_t)(F_CPU / 8UL / rate_hz - 1UL); /* 2 MHz timer clock */
  TCCR1A = 0;
  TCCR1B = _BV(WGM12) | _BV(CS11); /* CTC, prescaler 8 */
  TIFR1 = _BV(OCF1A);
  TIMSK1 = _BV(OCIE1A);
}

/* ---- boot and main loop ------------------------------------------------------------------- */
static void hardware_init(void) {
  MCUSR = 0;
  wdt_disable();
  /* UART 8N1 with U2X: UBRR = F_CPU / (8 baud) - 1 */
  UBRR0 = (uint16_t)(F_CPU / 8UL / FW_BAUD - 1UL);
  UCSR0A = _BV(U2X0);
  UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
  UCSR0B = _BV(RXEN0) | _BV(TXEN0) | _BV(RXCIE0);
  /* 1 kHz millisecond tick: 16 MHz / 64 / 250 */
  TCCR0A = _BV(WGM01);
  OCR0A = 249;
  TCCR0B = _BV(CS01) | _BV(CS00);
  TIMSK0 = _BV(OCIE0A);
  DIDR0 = 0x3F; /* A0..A5 are analog only: no digital input buffers */
  /* The first conversion after enabling the ADC takes 25 clocks instead of 13: pay for it now,
   * so that the first scan at 2 kHz fits its 500 us tick. */
  ADMUX = _BV(REFS0) | 0x0E; /* the 1.1 V bandgap: no sensor input is sampled */
  ADCSRA = _BV(ADEN) | _BV(ADSC) | _BV(ADPS2) | _BV(ADPS1) | _BV(ADPS0);
  while (ADCSRA & _BV(ADSC)) {
  }
  (void)ADC;
  set_sleep_mode(SLEEP_MODE_IDLE);
  wdt_enable(WDTO_250MS);
}

int main(void) {
  hardware_init();
  fw_init();
  sei();
  for (;;) {
    wdt_reset();
    if (fw_poll()) continue;
    /* Sleep until there is work for the core: a finished sample set, a received byte or the
     * next STATUS. Most interrupts (each UART byte sent, each conversion of a scan, the
     * millisecond tick) need nothing from the main loop, so they only wake it to sleep again:
     * running the whole poll for each of them cost a fifth of the CPU. Checked with
     * interrupts off, so a wake-up cannot slip in between the check and the sleep. */
    cli();
    while (!fw_pending() && rx_tail == rx_head && !second_elapsed) {
      sleep_enable();
      sei();
      sleep_cpu();
      sleep_disable();
      wdt_reset();
      cli();
    }
    second_elapsed = 0;
    sei();
  }
}
