/**
 * @file    adc.h
 * @brief   ADC1 driver and NTC temperature
 * @author  Ingrid Halvorsen <ingrid.halvorsen@kestrel-dynamics.example>
 * @copyright (c) 2024 Kestrel Dynamics GmbH. Company Confidential.
 */
#ifndef ADC_H
#define ADC_H

#include <stdint.h>

/** ADC1 channel of the NTC divider (PA1). */
#define ADC_CH_NTC      1u
/** Internal reference channel used to correct for the 3.3V supply tolerance. */
#define ADC_CH_VREFINT  17u

void adc_init(void);
uint16_t adc_read_raw(uint8_t channel);
uint16_t adc_read_temperature_dk(void);

#endif /* ADC_H */
