/**
 * @file    spi.h
 * @brief   SPI1 master driver for the external flash
 * @author  Tobias Brenner <tobias.brenner@kestrel-dynamics.example>
 * @copyright (c) 2024 Kestrel Dynamics GmbH. Company Confidential.
 */
#ifndef SPI_H
#define SPI_H

#include <stddef.h>
#include <stdint.h>

/** SPI1 clock divider: fPCLK / 4 = 21 MHz for the W25Q64JV flash. */
#define SPI_BAUD_DIV4   (1u << 3)

void spi1_init(void);
uint8_t spi1_transfer(uint8_t byte);
void spi1_read(uint8_t *out, size_t len);

#endif /* SPI_H */
