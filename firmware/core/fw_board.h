/* The board fpt's firmware runs on: which analog input carries which signal, the sensors'
 * gains, the identity sent in HELLO. One place to change for another wiring. */
#ifndef FW_BOARD_H
#define FW_BOARD_H

#define FW_VERSION_MAJOR 1
#define FW_VERSION_MINOR 0
#define FW_VERSION_PATCH 0
#define FW_BOARD_MODEL 0x0328u /* ATmega328P (Arduino Uno / Nano) */
#ifndef FW_SERIAL
#define FW_SERIAL "UNO-0001"
#endif

#define FW_EMG_CHANNELS 3 /* A0 glute, A1 hamstring, A2 lumbar */
#define FW_IMU_AXES 3     /* A3 x, A4 y, A5 z of the thigh accelerometer */
#define FW_ADC_BITS 10
#define FW_ADC_REF_MV 5000.0f /* AVcc */
#define FW_ADC_CODES 1023.0f  /* full scale code as the ATmega328P datasheet defines it */

/* Raw-output EMG front end, output centred on 2.5 V: microvolts at the skin per ADC code. */
#ifndef FW_EMG_GAIN
#define FW_EMG_GAIN 1000.0f
#endif
#define FW_EMG_ZERO_CODE 512
/* ADXL335 on 3.3 V: ratiometric, about 330 mV/g, 0 g at half its supply (1.65 V). */
#define FW_ACCEL_MV_PER_G 330.0f
#define FW_ACCEL_ZERO_CODE 338

#define FW_DEFAULT_EMG_HZ 1000u
#define FW_DEFAULT_IMU_HZ 100u
#define FW_FRAMES_PER_SECOND 100u /* EMG frames: 10 ms of samples each */
#define FW_IMU_FRAMES_PER_SECOND 10u

#endif /* FW_BOARD_H */
