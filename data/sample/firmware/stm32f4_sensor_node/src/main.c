/**
 * @file    main.c
 * @brief   Sensor node main loop
 * @author  Tobias Brenner <tobias.brenner@kestrel-dynamics.example>
 * @copyright (c) 2024 Kestrel Dynamics GmbH. Company Confidential.
 */
#include <stdint.h>
#include "adc.h"
#include "board.h"
#include "spi.h"
#include "uart.h"

volatile uint32_t s_uptime_s;

#define SYSTICK_CTRL  (*(volatile uint32_t *)0xE000E010u)
#define SYSTICK_LOAD  (*(volatile uint32_t *)0xE000E014u)
#define IWDG_KR       (*(volatile uint32_t *)0x40003000u)

/** @brief 1 Hz tick for the uptime counter (SysTick reloaded every 1000 ms is not possible; 10 ms). */
void SysTick_Handler(void)
{
    static uint8_t ticks;
    if (++ticks >= 100u) {
        ticks = 0u;
        s_uptime_s++;
    }
}

/**
 * @brief Sensor node entry point: clocks, drivers, then the cooperative main loop.
 */
int main(void)
{
    static const uint8_t banner[] = "sensor node v2.1.0\r\n";
    uint8_t byte;

    SYSTICK_LOAD = (BOARD_SYSCLK_HZ / 100u) - 1u;
    SYSTICK_CTRL = 0x7u;
    stm32f4_uart_init(115200u);
    spi1_init();
    adc_init();
    stm32f4_uart_write(banner, sizeof(banner) - 1u);

    for (;;) {
        while (stm32f4_uart_read_byte(&byte) == STM32F4_UART_OK) {
            frame_decoder_push(byte);
        }
        IWDG_KR = 0xAAAAu;   /* refresh the independent watchdog */
    }
}
