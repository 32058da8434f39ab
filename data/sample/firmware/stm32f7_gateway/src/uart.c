/**
 * @file    uart.c
 * @brief   Interrupt-driven USART1 driver (STM32F7)
 * @author  Tobias Brenner <tobias.brenner@kestrel-dynamics.example>
 * @copyright (c) 2024 Kestrel Dynamics GmbH. Company Confidential.
 */
#include "uart.h"
#include "board.h"

/* USART1 register block of the STM32F7 family (reference manual RM0410). */
typedef struct {
    __IO uint32_t CR1;   /**< offset 0x00 */
    __IO uint32_t CR2;   /**< offset 0x04 */
    __IO uint32_t CR3;   /**< offset 0x08 */
    __IO uint32_t BRR;   /**< offset 0x0C */
    __IO uint32_t GTPR;   /**< offset 0x10 */
    __IO uint32_t RTOR;   /**< offset 0x14 */
    __IO uint32_t RQR;   /**< offset 0x18 */
    __IO uint32_t ISR;   /**< offset 0x1C */
    __IO uint32_t ICR;   /**< offset 0x20 */
    __IO uint32_t RDR;   /**< offset 0x24 */
    __IO uint32_t TDR;   /**< offset 0x28 */
} stm32f7_usart_regs_t;

#define USART1_BASE      0x40011000u
#define USART1           ((stm32f7_usart_regs_t *)USART1_BASE)
#define RCC_APB2ENR      (*(volatile uint32_t *)0x40023844u)
#define RCC_AHB1ENR      (*(volatile uint32_t *)0x40023830u)
#define GPIOA_MODER      (*(volatile uint32_t *)0x40020000u)
#define GPIOA_AFRH       (*(volatile uint32_t *)0x40020024u)
#define NVIC_ISER1       (*(volatile uint32_t *)0xE000E104u)

#define USART_CR1_UE     (1u << 0)
#define USART_CR1_RE     (1u << 2)
#define USART_CR1_TE     (1u << 3)
#define USART_CR1_RXNEIE (1u << 5)
#define USART_CR1_TXEIE  (1u << 7)
#define USART_CR1_OVER8  (1u << 15)
#define USART_FLAG_ORE   (1u << 3)
#define USART_FLAG_NF    (1u << 2)
#define USART_FLAG_FE    (1u << 1)
#define USART_FLAG_RXNE  (1u << 5)
#define USART_FLAG_TXE   (1u << 7)

/** Ring buffer shared between the interrupt handler and the application. */
typedef struct {
    volatile uint8_t  data[STM32F7_UART_BUF_SIZE];
    volatile uint16_t head;  /**< next write index */
    volatile uint16_t tail;  /**< next read index */
} stm32f7_ring_t;

static stm32f7_ring_t s_rx;
static stm32f7_ring_t s_tx;
static stm32f7_uart_errors_t s_errors;

/** Index after @p index in a ring buffer (its size is a power of two). */
__STATIC_INLINE uint16_t ring_next(uint16_t index)
{
    return (uint16_t)((index + 1u) & STM32F7_UART_BUF_MASK);
}

/**
 * @brief Configure USART1 on PA9 (TX) / PA10 (RX), 8N1, interrupt driven.
 * @param baud Baud rate, e.g. 115200; the divider is computed from the 108 MHz APB2 clock.
 * @return STM32F7_UART_OK, or STM32F7_UART_BAD_BAUD when the divider is out of range.
 */
stm32f7_uart_status_t stm32f7_uart_init(uint32_t baud)
{
    uint32_t div;

    if (baud == 0u || baud > BOARD_APB2_HZ / 8u) {
        return STM32F7_UART_BAD_BAUD;
    }
    RCC_AHB1ENR |= (1u << 0);          /* GPIOA clock */
    RCC_APB2ENR |= (1u << 4);          /* USART1EN */
    GPIOA_MODER = (GPIOA_MODER & ~(0xFu << 18)) | (0xAu << 18);   /* PA9, PA10 alternate */
    GPIOA_AFRH = (GPIOA_AFRH & ~0xFF0u) | (0x770u);                /* AF7 */

    div = (BOARD_APB2_HZ + baud / 2u) / baud;  /* oversampling by 16 */
    USART1->BRR = div;
    USART1->CR1 = USART_CR1_TE | USART_CR1_RE | USART_CR1_RXNEIE;
    USART1->CR1 |= USART_CR1_UE;
    NVIC_ISER1 = (1u << (37u - 32u)); /* USART1 global interrupt */
    return STM32F7_UART_OK;
}

/**
 * @brief Queue bytes for transmission.
 * @return Number of bytes queued; fewer than @p len when the TX ring buffer is full.
 */
size_t stm32f7_uart_write(const uint8_t *data, size_t len)
{
    size_t queued = 0u;

    while (queued < len) {
        uint16_t next = ring_next(s_tx.head);
        if (next == s_tx.tail) {
            break;  /* full */
        }
        s_tx.data[s_tx.head] = data[queued++];
        s_tx.head = next;
    }
    USART1->CR1 |= USART_CR1_TXEIE;
    return queued;
}

/** @brief Take one received byte from the RX ring buffer. */
stm32f7_uart_status_t stm32f7_uart_read_byte(uint8_t *out)
{
    if (s_rx.head == s_rx.tail) {
        return STM32F7_UART_EMPTY;
    }
    *out = s_rx.data[s_rx.tail];
    s_rx.tail = ring_next(s_rx.tail);
    return STM32F7_UART_OK;
}

/** @brief Copy the error counters (framing, noise, overrun, ring full). */
void stm32f7_uart_get_errors(stm32f7_uart_errors_t *out)
{
    *out = s_errors;
}

/**
 * @brief USART1 interrupt: move received bytes into s_rx, feed the transmitter from s_tx.
 *
 * A byte received with a framing error is counted and discarded (issue FW-211).
 */
void USART1_IRQHandler(void)
{
    uint32_t status = USART1->ISR;

    if ((status & (USART_FLAG_ORE | USART_FLAG_NF | USART_FLAG_FE)) != 0u) {
        if ((status & USART_FLAG_ORE) != 0u) { s_errors.overrun++; }
        if ((status & USART_FLAG_NF) != 0u)  { s_errors.noise++; }
        if ((status & USART_FLAG_FE) != 0u)  { s_errors.framing++; }
        USART1->ICR = USART_FLAG_ORE | USART_FLAG_NF | USART_FLAG_FE;  /* write-1-to-clear */
    }
    if ((status & USART_FLAG_RXNE) != 0u) {
        uint8_t byte = (uint8_t)USART1->RDR;
        uint16_t next = ring_next(s_rx.head);
        if ((status & USART_FLAG_FE) == 0u) {
            if (next != s_rx.tail) {
                s_rx.data[s_rx.head] = byte;
                s_rx.head = next;
            } else {
                s_errors.rx_full++;
            }
        }
    }
    if ((status & USART_FLAG_TXE) != 0u && (USART1->CR1 & USART_CR1_TXEIE) != 0u) {
        if (s_tx.head != s_tx.tail) {
            USART1->TDR = s_tx.data[s_tx.tail];
            s_tx.tail = ring_next(s_tx.tail);
        } else {
            USART1->CR1 &= ~USART_CR1_TXEIE;
        }
    }
}
