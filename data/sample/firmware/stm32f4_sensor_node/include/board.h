/**
 * @file    board.h
 * @brief   Board definitions of the STM32F407VG sensor node
 * @author  Tobias Brenner <tobias.brenner@kestrel-dynamics.example>
 * @copyright (c) 2024 Kestrel Dynamics GmbH. Company Confidential.
 */
#ifndef BOARD_H
#define BOARD_H

#include <stdint.h>

/* CMSIS-Core qualifiers, as core_cm4.h defines them. */
#define __IO                volatile
#define __STATIC_INLINE     static inline

/* STM32F407VG sensor node, hardware revision B. HSE 8 MHz, SYSCLK 168 MHz. */
#define BOARD_HSE_HZ        8000000u
#define BOARD_HSI_HZ        16000000u   /* 16 MHz internal fallback */
#define BOARD_SYSCLK_HZ     168000000u
#define BOARD_APB1_HZ       42000000u
#define BOARD_APB2_HZ       84000000u

#define PERIPH_BASE         0x40000000u
#define APB2PERIPH_BASE     (PERIPH_BASE + 0x00010000u)
#define AHB1PERIPH_BASE     (PERIPH_BASE + 0x00020000u)
#define USART1_BASE_ADDR    (APB2PERIPH_BASE + 0x1000u)   /* 0x40011000 */
#define USART2_BASE_ADDR    0x40004400u                   /* debug console */
#define SPI1_BASE_ADDR      (APB2PERIPH_BASE + 0x3000u)   /* 0x40013000 */
#define ADC1_BASE_ADDR      (APB2PERIPH_BASE + 0x2000u)   /* 0x40012000 */
#define RCC_BASE_ADDR       (AHB1PERIPH_BASE + 0x3800u)   /* 0x40023800 */

/** Pin assignment (see MCU-DR-007, table 3). */
#define PIN_UART_TX         9u    /* PA9,  AF7 */
#define PIN_UART_RX         10u   /* PA10, AF7 */
#define PIN_SPI_SCK         5u    /* PA5,  AF5 */
#define PIN_FLASH_CS        4u    /* PA4,  GPIO */
#define PIN_LED_STATUS      13u   /* PC13, active low */

/** Analogue front end: NTC divider with 4.7kΩ to 3.3V. */
#define NTC_R_SERIES_OHM    4700u
#define NTC_BETA            3380u
#define VREF_MV             3300u

typedef enum {
    BOARD_REV_A = 0x0A,
    BOARD_REV_B = 0x0B
} board_rev_t;

#endif /* BOARD_H */
