/**
 * @file    adc.c
 * @brief   ADC1 driver and NTC temperature in Kelvin
 * @author  Ingrid Halvorsen <ingrid.halvorsen@kestrel-dynamics.example>
 * @copyright (c) 2024 Kestrel Dynamics GmbH. Company Confidential.
 */
#include <math.h>
#include "adc.h"
#include "board.h"

#define ADC1_SR    (*(volatile uint32_t *)(ADC1_BASE_ADDR + 0x00u))
#define ADC1_CR2   (*(volatile uint32_t *)(ADC1_BASE_ADDR + 0x08u))
#define ADC1_SQR3  (*(volatile uint32_t *)(ADC1_BASE_ADDR + 0x34u))
#define ADC1_DR    (*(volatile uint32_t *)(ADC1_BASE_ADDR + 0x4Cu))
#define ADC_SR_EOC     (1u << 1)
#define ADC_CR2_ADON   (1u << 0)
#define ADC_CR2_SWSTART (1u << 30)
#define KELVIN_OFFSET_DK 2732u   /* 0 degC in deci-Kelvin */

/** @brief Power up ADC1, 12-bit, single conversion, software trigger. */
void adc_init(void)
{
    (*(volatile uint32_t *)0x40023844u) |= (1u << 8);   /* RCC_APB2ENR.ADC1EN */
    ADC1_CR2 = ADC_CR2_ADON;
}

/** @brief One blocking conversion of @p channel. */
uint16_t adc_read_raw(uint8_t channel)
{
    ADC1_SQR3 = channel;
    ADC1_CR2 |= ADC_CR2_SWSTART;
    while ((ADC1_SR & ADC_SR_EOC) == 0u) {
    }
    return (uint16_t)(ADC1_DR & 0xFFFu);
}

/**
 * @brief NTC temperature in deci-Kelvin from the Beta equation.
 *
 * R_ntc = R_series * raw / (4095 - raw);  1/T = 1/T0 + ln(R_ntc / R0) / Beta, T0 = 298.15 Kelvin.
 */
uint16_t adc_read_temperature_dk(void)
{
    uint16_t raw = adc_read_raw(ADC_CH_NTC);
    float r_ntc;
    float inv_t;

    if (raw == 0u || raw >= 4095u) {
        return 0u;   /* open or shorted sensor */
    }
    r_ntc = (float)NTC_R_SERIES_OHM * (float)raw / (4095.0f - (float)raw);
    inv_t = (1.0f / 298.15f) + logf(r_ntc / 10000.0f) / (float)NTC_BETA;
    return (uint16_t)(10.0f / inv_t);
}
