/**
 * @file    main.c
 * @brief   Gateway main loop
 * @author  Tobias Brenner <tobias.brenner@kestrel-dynamics.example>
 * @copyright (c) 2024 Kestrel Dynamics GmbH. Company Confidential.
 */
#include <stdint.h>
#include "board.h"
#include "can.h"
#include "config.h"
#include "uart.h"

static node_state_t s_nodes[GATEWAY_MAX_NODES];

/**
 * @brief Gateway entry point: polls the sensor nodes over RS-485 and forwards events to CAN.
 */
int main(void)
{
    uint8_t byte;

    stm32f7_uart_init(115200u);
    can1_init(500000u);
    for (;;) {
        while (stm32f7_uart_read_byte(&byte) == STM32F7_UART_OK) {
            gateway_frame_push(byte, s_nodes);
        }
        can1_send_heartbeat();
    }
}
