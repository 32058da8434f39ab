/**
 * @file    board.h
 * @brief   Board definitions of the STM32F767ZI gateway
 * @author  Tobias Brenner <tobias.brenner@kestrel-dynamics.example>
 * @copyright (c) 2024 Kestrel Dynamics GmbH. Company Confidential.
 */
#ifndef BOARD_H
#define BOARD_H

#include <stdint.h>

/* CMSIS-Core qualifiers, as core_cm7.h defines them. */
#define __IO                volatile
#define __STATIC_INLINE     static inline

/* STM32F767ZI gateway. HSE 25 MHz, SYSCLK 216 MHz. */
#define BOARD_HSE_HZ        25000000u
#define BOARD_SYSCLK_HZ     216000000u
#define BOARD_APB1_HZ       54000000u
#define BOARD_APB2_HZ       108000000u

#define USART1_BASE_ADDR    0x40011000u   /* RS-485 to the sensor nodes */
#define CAN1_BASE_ADDR      0x40006400u   /* vehicle network, 500 kbit/s */
#define ETH_MAC_BASE_ADDR   0x40028000u

#define GATEWAY_MAX_NODES   32u

typedef struct {
    uint8_t  node_id;
    uint8_t  online;
    uint16_t battery_mv;
    uint16_t temperature_dk;   /**< deci-Kelvin, as sent on CAN 0x180 */
} node_state_t;

#endif /* BOARD_H */
