/**
 * @file    spi.c
 * @brief   SPI1 master driver for the external flash
 * @author  Tobias Brenner <tobias.brenner@kestrel-dynamics.example>
 * @copyright (c) 2024 Kestrel Dynamics GmbH. Company Confidential.
 */
#include "spi.h"
#include "board.h"

#define SPI1_CR1   (*(volatile uint32_t *)(SPI1_BASE_ADDR + 0x00u))
#define SPI1_SR    (*(volatile uint32_t *)(SPI1_BASE_ADDR + 0x08u))
#define SPI1_DR    (*(volatile uint32_t *)(SPI1_BASE_ADDR + 0x0Cu))
#define SPI_SR_RXNE   (1u << 0)
#define SPI_SR_TXE    (1u << 1)
#define SPI_SR_BSY    (1u << 7)

/**
 * @brief Enable SPI1 as master, mode 0, 8-bit frames, software slave management.
 */
void spi1_init(void)
{
    (*(volatile uint32_t *)0x40023844u) |= (1u << 12);   /* RCC_APB2ENR.SPI1EN */
    SPI1_CR1 = (1u << 2) | SPI_BAUD_DIV4 | (1u << 9) | (1u << 8);  /* MSTR, BR, SSM, SSI */
    SPI1_CR1 |= (1u << 6);                                /* SPE */
}

/** @brief Full-duplex exchange of one byte; blocks until the byte has been received. */
uint8_t spi1_transfer(uint8_t byte)
{
    while ((SPI1_SR & SPI_SR_TXE) == 0u) {
    }
    *(volatile uint8_t *)&SPI1_DR = byte;
    while ((SPI1_SR & SPI_SR_RXNE) == 0u) {
    }
    return (uint8_t)SPI1_DR;
}

/** @brief Clock in @p len bytes by sending 0xFF dummy bytes. */
void spi1_read(uint8_t *out, size_t len)
{
    for (size_t i = 0u; i < len; i++) {
        out[i] = spi1_transfer(0xFFu);
    }
    while ((SPI1_SR & SPI_SR_BSY) != 0u) {
    }
}
