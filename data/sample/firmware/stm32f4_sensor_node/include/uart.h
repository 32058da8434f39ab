/**
 * @file    uart.h
 * @brief   Interrupt-driven USART1 driver (STM32F4)
 * @author  Tobias Brenner <tobias.brenner@kestrel-dynamics.example>
 * @copyright (c) 2024 Kestrel Dynamics GmbH. Company Confidential.
 */
#ifndef STM32F4_UART_H
#define STM32F4_UART_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Size of the receive and transmit ring buffers in bytes (power of two). */
#define STM32F4_UART_BUF_SIZE   256u
#define STM32F4_UART_BUF_MASK   (STM32F4_UART_BUF_SIZE - 1u)

/** Error counters reported by the diagnostic command. */
typedef struct {
    uint32_t overrun;   /**< ORE flag seen */
    uint32_t framing;   /**< FE flag seen */
    uint32_t noise;     /**< NF flag seen */
    uint32_t rx_full;   /**< byte dropped, ring buffer full */
} stm32f4_uart_errors_t;

/** Result codes of the driver functions. */
typedef enum {
    STM32F4_UART_OK = 0,
    STM32F4_UART_BUSY,
    STM32F4_UART_EMPTY,
    STM32F4_UART_BAD_BAUD
} stm32f4_uart_status_t;

stm32f4_uart_status_t stm32f4_uart_init(uint32_t baud);
size_t stm32f4_uart_write(const uint8_t *data, size_t len);
stm32f4_uart_status_t stm32f4_uart_read_byte(uint8_t *out);
void stm32f4_uart_get_errors(stm32f4_uart_errors_t *out);
void USART1_IRQHandler(void);

/** Bytes waiting in a ring buffer, from its head and tail indices (any context, no lock). */
static inline size_t stm32f4_uart_pending(uint16_t head, uint16_t tail)
{
    return (size_t)((uint16_t)(head - tail) & STM32F4_UART_BUF_MASK);
}

#ifdef __cplusplus
}
#endif

#endif /* STM32F4_UART_H */
