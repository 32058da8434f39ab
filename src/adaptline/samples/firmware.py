"""The C firmware tree of the sample corpus: an STM32F4 sensor node and an STM32F7 gateway.

The UART driver is one template rendered for both chip families with renamed identifiers and the
family's register layout (a near-duplicate pair). ``cmd_parser.c`` holds one long dispatcher
function (well over 150 lines) for the extractor's statement-boundary splitting. ``config.h``
carries the planted secrets (API token, passwords, private key, broker address).
"""

from __future__ import annotations

from pathlib import Path

from adaptline.samples.ooxml import _write
from adaptline.samples.planted import (
    API_TOKEN,
    COMPANY,
    HOST_IP,
    INGRID,
    PASSWORD,
    PRIVATE_KEY_BODY,
    TOBIAS,
    WIFI_PSK,
    Person,
)


def c_file(name: str, brief: str, code: str, author: str = "", email: str = "", year: int = 2024) -> str:
    """A C source with a Doxygen file-header comment (file, brief, author with email, copyright)."""
    lines = ["/**", f" * @file    {name}", f" * @brief   {brief}"]
    if author:
        lines.append(f" * @author  {author} <{email}>" if email else f" * @author  {author}")
    lines += [f" * @copyright (c) {year} {COMPANY}. Company Confidential.", " */", ""]
    return "\n".join(lines) + code.strip("\n") + "\n"


def write_c(path: str | Path, code: str, brief: str = "", author: str = "", email: str = "") -> Path:
    """Write a .c/.h file: ``code`` below a file-header comment naming ``author`` <``email``>."""
    target = Path(path)
    return _write(target, c_file(target.name, brief, code, author, email).encode("utf-8"))


# --- UART driver template (@TOKENS@ are replaced per chip family) ------------------------------

_UART_H = """
#ifndef @PFX_UPPER@_UART_H
#define @PFX_UPPER@_UART_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Size of the receive and transmit ring buffers in bytes (power of two). */
#define @PFX_UPPER@_UART_BUF_SIZE   256u
#define @PFX_UPPER@_UART_BUF_MASK   (@PFX_UPPER@_UART_BUF_SIZE - 1u)

/** Error counters reported by the diagnostic command. */
typedef struct {
    uint32_t overrun;   /**< ORE flag seen */
    uint32_t framing;   /**< FE flag seen */
    uint32_t noise;     /**< NF flag seen */
    uint32_t rx_full;   /**< byte dropped, ring buffer full */
} @pfx@_uart_errors_t;

/** Result codes of the driver functions. */
typedef enum {
    @PFX_UPPER@_UART_OK = 0,
    @PFX_UPPER@_UART_BUSY,
    @PFX_UPPER@_UART_EMPTY,
    @PFX_UPPER@_UART_BAD_BAUD
} @pfx@_uart_status_t;

@pfx@_uart_status_t @pfx@_uart_init(uint32_t baud);
size_t @pfx@_uart_write(const uint8_t *data, size_t len);
@pfx@_uart_status_t @pfx@_uart_read_byte(uint8_t *out);
void @pfx@_uart_get_errors(@pfx@_uart_errors_t *out);
void @PFX_IRQ@(void);

/** Bytes waiting in a ring buffer, from its head and tail indices (any context, no lock). */
static inline size_t @pfx@_uart_pending(uint16_t head, uint16_t tail)
{
    return (size_t)((uint16_t)(head - tail) & @PFX_UPPER@_UART_BUF_MASK);
}

#ifdef __cplusplus
}
#endif

#endif /* @PFX_UPPER@_UART_H */
"""

_UART_C = """
#include "uart.h"
#include "board.h"

/* USART1 register block of the @FAMILY@ family (reference manual @RM@). */
typedef struct {
@REGS@
} @pfx@_usart_regs_t;

#define USART1_BASE      0x40011000u
#define USART1           ((@pfx@_usart_regs_t *)USART1_BASE)
#define RCC_APB2ENR      (*(volatile uint32_t *)@RCC_APB2ENR_ADDR@)
#define RCC_AHB1ENR      (*(volatile uint32_t *)@RCC_AHB1ENR_ADDR@)
#define GPIOA_MODER      (*(volatile uint32_t *)0x40020000u)
#define GPIOA_AFRH       (*(volatile uint32_t *)0x40020024u)
#define NVIC_ISER1       (*(volatile uint32_t *)0xE000E104u)

#define USART_CR1_UE     (1u << @UE_BIT@)
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
    volatile uint8_t  data[@PFX_UPPER@_UART_BUF_SIZE];
    volatile uint16_t head;  /**< next write index */
    volatile uint16_t tail;  /**< next read index */
} @pfx@_ring_t;

static @pfx@_ring_t s_rx;
static @pfx@_ring_t s_tx;
static @pfx@_uart_errors_t s_errors;

/** Index after @p index in a ring buffer (its size is a power of two). */
__STATIC_INLINE uint16_t ring_next(uint16_t index)
{
    return (uint16_t)((index + 1u) & @PFX_UPPER@_UART_BUF_MASK);
}

/**
 * @brief Configure USART1 on PA9 (TX) / PA10 (RX), 8N1, interrupt driven.
 * @param baud Baud rate, e.g. 115200; the divider is computed from the @APB2_MHZ@ MHz APB2 clock.
 * @return @PFX_UPPER@_UART_OK, or @PFX_UPPER@_UART_BAD_BAUD when the divider is out of range.
 */
@pfx@_uart_status_t @pfx@_uart_init(uint32_t baud)
{
    uint32_t div;

    if (baud == 0u || baud > BOARD_APB2_HZ / 8u) {
        return @PFX_UPPER@_UART_BAD_BAUD;
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
    return @PFX_UPPER@_UART_OK;
}

/**
 * @brief Queue bytes for transmission.
 * @return Number of bytes queued; fewer than @p len when the TX ring buffer is full.
 */
size_t @pfx@_uart_write(const uint8_t *data, size_t len)
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
@pfx@_uart_status_t @pfx@_uart_read_byte(uint8_t *out)
{
    if (s_rx.head == s_rx.tail) {
        return @PFX_UPPER@_UART_EMPTY;
    }
    *out = s_rx.data[s_rx.tail];
    s_rx.tail = ring_next(s_rx.tail);
    return @PFX_UPPER@_UART_OK;
}

/** @brief Copy the error counters (framing, noise, overrun, ring full). */
void @pfx@_uart_get_errors(@pfx@_uart_errors_t *out)
{
    *out = s_errors;
}

/**
 * @brief USART1 interrupt: move received bytes into s_rx, feed the transmitter from s_tx.
 *
 * A byte received with a framing error is counted and discarded (issue FW-211).
 */
void @PFX_IRQ@(void)
{
    uint32_t status = USART1->@STATUS@;

    if ((status & (USART_FLAG_ORE | USART_FLAG_NF | USART_FLAG_FE)) != 0u) {
        if ((status & USART_FLAG_ORE) != 0u) { s_errors.overrun++; }
        if ((status & USART_FLAG_NF) != 0u)  { s_errors.noise++; }
        if ((status & USART_FLAG_FE) != 0u)  { s_errors.framing++; }
@CLEAR_ERRORS@
    }
    if ((status & USART_FLAG_RXNE) != 0u) {
        uint8_t byte = (uint8_t)USART1->@RX_REG@;
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
            USART1->@TX_REG@ = s_tx.data[s_tx.tail];
            s_tx.tail = ring_next(s_tx.tail);
        } else {
            USART1->CR1 &= ~USART_CR1_TXEIE;
        }
    }
}
"""

_FAMILIES: dict[str, dict[str, str]] = {
    "f4": {
        "@pfx@": "stm32f4",
        "@PFX_UPPER@": "STM32F4",
        "@PFX_IRQ@": "USART1_IRQHandler",
        "@FAMILY@": "STM32F4",
        "@RM@": "RM0090",
        "@APB2_MHZ@": "84",
        "@UE_BIT@": "13",
        "@RCC_APB2ENR_ADDR@": "0x40023844u",
        "@RCC_AHB1ENR_ADDR@": "0x40023830u",
        "@STATUS@": "SR",
        "@RX_REG@": "DR",
        "@TX_REG@": "DR",
        "@CLEAR_ERRORS@": "        (void)USART1->DR;  /* SR then DR read clears the error flags */",
        "@REGS@": "\n".join(
            f"    __IO uint32_t {name};   /**< offset 0x{off:02X} */"
            for name, off in (("SR", 0), ("DR", 4), ("BRR", 8), ("CR1", 12), ("CR2", 16), ("CR3", 20), ("GTPR", 24))
        ),
    },
    "f7": {
        "@pfx@": "stm32f7",
        "@PFX_UPPER@": "STM32F7",
        "@PFX_IRQ@": "USART1_IRQHandler",
        "@FAMILY@": "STM32F7",
        "@RM@": "RM0410",
        "@APB2_MHZ@": "108",
        "@UE_BIT@": "0",
        "@RCC_APB2ENR_ADDR@": "0x40023844u",
        "@RCC_AHB1ENR_ADDR@": "0x40023830u",
        "@STATUS@": "ISR",
        "@RX_REG@": "RDR",
        "@TX_REG@": "TDR",
        "@CLEAR_ERRORS@": (
            "        USART1->ICR = USART_FLAG_ORE | USART_FLAG_NF | USART_FLAG_FE;  /* write-1-to-clear */"
        ),
        "@REGS@": "\n".join(
            f"    __IO uint32_t {name};   /**< offset 0x{off:02X} */"
            for name, off in (
                ("CR1", 0),
                ("CR2", 4),
                ("CR3", 8),
                ("BRR", 12),
                ("GTPR", 16),
                ("RTOR", 20),
                ("RQR", 24),
                ("ISR", 28),
                ("ICR", 32),
                ("RDR", 36),
                ("TDR", 40),
            )
        ),
    },
}


def _render(template: str, family: str) -> str:
    for token, value in _FAMILIES[family].items():
        template = template.replace(token, value)
    return template


# --- board and configuration headers ------------------------------------------------------------

_BOARD_F4 = """
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
"""

_BOARD_F7 = """
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
"""

_CONFIG_H = f"""
#ifndef CONFIG_H
#define CONFIG_H

/*
 * Deployment configuration of the gateway.
 * TODO(security): move the secrets below into the provisioning partition before v2.2.0.
 */
#define FW_VERSION_STRING      "v2.1.0"
#define MQTT_BROKER_HOST       "{HOST_IP}"
#define MQTT_BROKER_PORT       8883
#define MQTT_USERNAME          "gateway-fleet"
#define MQTT_PASSWORD          "{PASSWORD}"
#define WIFI_SSID              "KD-LAB-5G"
#define WIFI_PSK               "{WIFI_PSK}"
#define CLOUD_API_TOKEN        "{API_TOKEN}"

/* Device identity key used for the TLS client certificate. */
static const char DEVICE_PRIVATE_KEY[] =
    "-----BEGIN RSA PRIVATE KEY-----\\n"
    "{PRIVATE_KEY_BODY[0]}\\n"
    "{PRIVATE_KEY_BODY[1]}\\n"
    "-----END RSA PRIVATE KEY-----\\n";

#endif /* CONFIG_H */
"""


# --- command dispatcher: one long function --------------------------------------------------------

# (command, code, config field, minimum, maximum, unit comment)
_SETTINGS = [
    ("SET_SAMPLE_RATE", 0x21, "sample_rate_hz", 100, 25600, "Hz, ADXL355 output data rate"),
    ("SET_FFT_POINTS", 0x22, "fft_points", 256, 4096, "power of two"),
    ("SET_WINDOW", 0x23, "window", 0, 3, "0 rect, 1 Hann, 2 Hamming, 3 flat-top"),
    ("SET_AVERAGES", 0x24, "averages", 1, 64, "spectra averaged per report"),
    ("SET_REPORT_PERIOD", 0x25, "report_period_s", 10, 86400, "seconds"),
    ("SET_ALARM_LEVEL", 0x26, "alarm_level_mg", 10, 16000, "milli-g RMS"),
    ("SET_ALARM_BAND_LO", 0x27, "alarm_band_lo_hz", 1, 12800, "Hz"),
    ("SET_ALARM_BAND_HI", 0x28, "alarm_band_hi_hz", 1, 12800, "Hz"),
    ("SET_NODE_ID", 0x29, "node_id", 1, 32, "RS-485 address"),
    ("SET_BAUD_INDEX", 0x2A, "baud_index", 0, 4, "9600 .. 460800 baud"),
    ("SET_TEMP_OFFSET", 0x2B, "temp_offset_dk", 0, 200, "deci-Kelvin, 100 = zero"),
    ("SET_LED_MODE", 0x2C, "led_mode", 0, 2, "off, heartbeat, alarm only"),
]


def _dispatcher() -> str:
    lines = [
        "/**",
        " * @brief Execute one decoded command frame and build the response.",
        " *",
        " * Called from the main loop for every frame with a valid CRC-16. Configuration commands",
        " * are range-checked, applied to the RAM copy and flagged for the next flash write.",
        " *",
        " * @param cmd     command code (see SPEC-UART-001, section 4)",
        " * @param payload payload bytes, little-endian values",
        " * @param len     payload length in bytes",
        " * @param rsp     response frame to fill",
        " * @return 0 on success, a negative cmd_error_t otherwise",
        " */",
        "int cmd_execute(uint8_t cmd, const uint8_t *payload, uint8_t len, cmd_response_t *rsp)",
        "{",
        "    uint32_t value = 0u;",
        "    int result = CMD_OK;",
        "",
        "    rsp->code = (uint8_t)(cmd | 0x80u);",
        "    rsp->len = 0u;",
        "    if (len > 4u && cmd >= 0x20u && cmd < 0x30u) {",
        "        return -CMD_ERR_LENGTH;",
        "    }",
        "    for (uint8_t i = 0u; i < len && i < 4u; i++) {",
        "        value |= (uint32_t)payload[i] << (8u * i);",
        "    }",
        "",
        "    switch (cmd) {",
        "    case CMD_PING:",
        "        rsp->payload[0] = (uint8_t)(s_uptime_s & 0xFFu);",
        "        rsp->payload[1] = (uint8_t)((s_uptime_s >> 8) & 0xFFu);",
        "        rsp->len = 2u;",
        "        break;",
        "",
        "    case CMD_GET_SPECTRUM:",
        "        if (len != 1u || payload[0] > 2u) {",
        "            result = -CMD_ERR_RANGE;",
        "            break;",
        "        }",
        "        s_spectrum_request.axis = payload[0];",
        "        s_spectrum_request.pending = 1u;",
        "        break;",
        "",
    ]
    for name, code, field, low, high, unit in _SETTINGS:
        lines += [
            f"    case CMD_{name}:  /* 0x{code:02X}: {unit} */",
            f"        if (value < {low}u || value > {high}u) {{",
            "            result = -CMD_ERR_RANGE;",
            "            break;",
            "        }",
            f"        s_config.{field} = ({_field_type(high)})value;",
            "        s_config_dirty = 1u;",
            "        break;",
            "",
        ]
    lines += [
        "    case CMD_GET_DIAGNOSTICS: {",
        "        stm32f4_uart_errors_t errors;",
        "        stm32f4_uart_get_errors(&errors);",
        "        rsp->payload[0] = (uint8_t)errors.framing;",
        "        rsp->payload[1] = (uint8_t)errors.noise;",
        "        rsp->payload[2] = (uint8_t)errors.overrun;",
        "        rsp->payload[3] = (uint8_t)errors.rx_full;",
        "        rsp->payload[4] = (uint8_t)(adc_read_temperature_dk() / 10u);",
        "        rsp->len = 5u;",
        "        break;",
        "    }",
        "",
        "    case CMD_SAVE_CONFIG:",
        "        if (s_config_dirty != 0u) {",
        "            s_config.crc = crc16_ccitt((const uint8_t *)&s_config, offsetof(node_config_t, crc));",
        "            if (flash_write_config(&s_config) != 0) {",
        "                result = -CMD_ERR_FLASH;",
        "                break;",
        "            }",
        "            s_config_dirty = 0u;",
        "        }",
        "        break;",
        "",
        "    case CMD_RESET:",
        "        /* Answer first, then reset through the AIRCR register once the frame has left. */",
        "        s_reset_pending = 1u;",
        "        break;",
        "",
        "    default:",
        "        result = -CMD_ERR_UNKNOWN;",
        "        break;",
        "    }",
        "",
        "    if (result != CMD_OK) {",
        "        rsp->code = CMD_NACK;",
        "        rsp->payload[0] = cmd;",
        "        rsp->payload[1] = (uint8_t)(-result);",
        "        rsp->len = 2u;",
        "    }",
        "    return result;",
        "}",
    ]
    return "\n".join(lines)


def _field_type(high: int) -> str:
    return "uint8_t" if high <= 0xFF else "uint16_t" if high <= 0xFFFF else "uint32_t"


def _cmd_parser_c() -> str:
    fields = "\n".join(f"    {_field_type(high)} {field};" for _, _, field, _, high, _ in _SETTINGS)
    codes = "\n".join(f"    CMD_{name} = 0x{code:02X}," for name, code, *_ in _SETTINGS)
    return f"""
#include <stddef.h>
#include <stdint.h>
#include "adc.h"
#include "uart.h"

/** Command codes of the frame protocol (SPEC-UART-001, section 4). */
typedef enum {{
    CMD_PING = 0x01,
    CMD_GET_SPECTRUM = 0x10,
{codes}
    CMD_GET_DIAGNOSTICS = 0x40,
    CMD_SAVE_CONFIG = 0x41,
    CMD_RESET = 0x4F,
    CMD_NACK = 0x7E
}} cmd_code_t;

/** Negative return values of cmd_execute(). */
typedef enum {{
    CMD_OK = 0,
    CMD_ERR_UNKNOWN = 1,
    CMD_ERR_LENGTH = 2,
    CMD_ERR_RANGE = 3,
    CMD_ERR_FLASH = 4
}} cmd_error_t;

/** Persistent node configuration, stored twice in the SPI flash configuration area. */
typedef struct {{
{fields}
    uint16_t crc;
}} node_config_t;

typedef struct {{
    uint8_t code;
    uint8_t len;
    uint8_t payload[250];
}} cmd_response_t;

typedef struct {{
    uint8_t axis;
    uint8_t pending;
}} spectrum_request_t;

static node_config_t s_config;
static uint8_t s_config_dirty;
static uint8_t s_reset_pending;
static spectrum_request_t s_spectrum_request;
extern volatile uint32_t s_uptime_s;

extern uint16_t crc16_ccitt(const uint8_t *data, size_t len);
extern int flash_write_config(const node_config_t *config);

{_dispatcher()}
"""


# --- other drivers and applications ---------------------------------------------------------------

_SPI_H = """
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
"""

_SPI_C = """
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
"""

_ADC_H = """
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
"""

_ADC_C = """
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
"""

_MAIN_F4 = """
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
    static const uint8_t banner[] = "sensor node v2.1.0\\r\\n";
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
"""

_MAIN_F7 = """
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
"""

_CAN_H = """
#ifndef CAN_H
#define CAN_H

#include <stdint.h>

/** CAN identifiers of SPEC-CAN-003, table 2. */
#define CAN_ID_GW_HEARTBEAT   0x100u
#define CAN_ID_NODE_STATUS    0x180u
#define CAN_ID_SPECTRUM_PEAK  0x200u
#define CAN_ID_ALARM          0x280u

typedef struct {
    uint32_t id;
    uint8_t  dlc;
    uint8_t  data[8];
} can_frame_t;

int can1_init(uint32_t bitrate);
int can1_send(const can_frame_t *frame);
void can1_send_heartbeat(void);

#endif /* CAN_H */
"""

_CAN_C = """
#include "can.h"
#include "board.h"

#define CAN1_MCR   (*(volatile uint32_t *)(CAN1_BASE_ADDR + 0x000u))
#define CAN1_MSR   (*(volatile uint32_t *)(CAN1_BASE_ADDR + 0x004u))
#define CAN1_TSR   (*(volatile uint32_t *)(CAN1_BASE_ADDR + 0x008u))
#define CAN1_BTR   (*(volatile uint32_t *)(CAN1_BASE_ADDR + 0x01Cu))
#define CAN1_TI0R  (*(volatile uint32_t *)(CAN1_BASE_ADDR + 0x180u))
#define CAN1_TDT0R (*(volatile uint32_t *)(CAN1_BASE_ADDR + 0x184u))
#define CAN1_TDL0R (*(volatile uint32_t *)(CAN1_BASE_ADDR + 0x188u))
#define CAN1_TDH0R (*(volatile uint32_t *)(CAN1_BASE_ADDR + 0x18Cu))
#define CAN_MCR_INRQ  (1u << 0)
#define CAN_MSR_INAK  (1u << 0)
#define CAN_TSR_TME0  (1u << 26)

/**
 * @brief Initialise bxCAN1: 54 MHz APB1, prescaler 6, 1 + 15 + 2 quanta, sample point 88.9 %.
 * @return 0, or -1 when the controller does not enter initialisation mode.
 */
int can1_init(uint32_t bitrate)
{
    uint32_t timeout = 100000u;
    uint32_t brp = BOARD_APB1_HZ / (bitrate * 18u);

    CAN1_MCR |= CAN_MCR_INRQ;
    while ((CAN1_MSR & CAN_MSR_INAK) == 0u) {
        if (--timeout == 0u) {
            return -1;
        }
    }
    CAN1_BTR = (0u << 24) | (1u << 20) | (14u << 16) | (brp - 1u);   /* SJW, TS2, TS1, BRP */
    CAN1_MCR &= ~CAN_MCR_INRQ;
    return 0;
}

/** @brief Queue a frame in transmit mailbox 0; -1 when the mailbox is busy. */
int can1_send(const can_frame_t *frame)
{
    if ((CAN1_TSR & CAN_TSR_TME0) == 0u) {
        return -1;
    }
    CAN1_TDT0R = frame->dlc;
    CAN1_TDL0R = (uint32_t)frame->data[0] | ((uint32_t)frame->data[1] << 8) |
                 ((uint32_t)frame->data[2] << 16) | ((uint32_t)frame->data[3] << 24);
    CAN1_TDH0R = (uint32_t)frame->data[4] | ((uint32_t)frame->data[5] << 8) |
                 ((uint32_t)frame->data[6] << 16) | ((uint32_t)frame->data[7] << 24);
    CAN1_TI0R = (frame->id << 21) | 1u;   /* standard id, TXRQ */
    return 0;
}

/** @brief Send the 100 ms gateway heartbeat (uptime and state). */
void can1_send_heartbeat(void)
{
    static uint32_t counter;
    can_frame_t frame = {CAN_ID_GW_HEARTBEAT, 8u, {0}};

    counter++;
    frame.data[0] = (uint8_t)counter;
    frame.data[1] = (uint8_t)(counter >> 8);
    (void)can1_send(&frame);
}
"""


_CMD_PARSER_H = """
#ifndef CMD_PARSER_H
#define CMD_PARSER_H

#include <stdint.h>

/** Maximum payload of one frame (SPEC-UART-001: 250 bytes). */
#define CMD_MAX_PAYLOAD  250u
/** Frame delimiters and escaping. */
#define FRAME_SYNC       0x7Eu
#define FRAME_ESCAPE     0x7Du
#define FRAME_XOR        0x20u

struct cmd_response;

void frame_decoder_push(uint8_t byte);
int cmd_execute(uint8_t cmd, const uint8_t *payload, uint8_t len, struct cmd_response *rsp);

#endif /* CMD_PARSER_H */
"""

_GATEWAY_FRAME_C = """
#include <stdint.h>
#include "board.h"
#include "can.h"

/** Decoder states of the RS-485 frame receiver. */
typedef enum {
    RX_WAIT_SYNC = 0,
    RX_LENGTH,
    RX_BODY,
    RX_ESCAPED
} rx_state_t;

static rx_state_t s_state = RX_WAIT_SYNC;
static uint8_t s_buf[256];
static uint8_t s_len;
static uint8_t s_pos;

/**
 * @brief Forward a decoded NODE_STATUS frame to CAN id 0x180 and update the node table.
 */
static void gateway_forward_status(const uint8_t *body, node_state_t *nodes)
{
    uint8_t id = body[0];
    can_frame_t frame = {CAN_ID_NODE_STATUS, 8u, {0}};

    if (id == 0u || id > GATEWAY_MAX_NODES) {
        return;
    }
    nodes[id - 1u].node_id = id;
    nodes[id - 1u].online = 1u;
    nodes[id - 1u].battery_mv = (uint16_t)(body[1] | (body[2] << 8));
    nodes[id - 1u].temperature_dk = (uint16_t)(body[3] | (body[4] << 8));
    for (uint8_t i = 0u; i < 5u; i++) {
        frame.data[i] = body[i];
    }
    (void)can1_send(&frame);
}

/**
 * @brief Byte-wise frame decoder with 0x7D escaping; complete frames are forwarded.
 */
void gateway_frame_push(uint8_t byte, node_state_t *nodes)
{
    switch (s_state) {
    case RX_WAIT_SYNC:
        if (byte == 0x7Eu) {
            s_state = RX_LENGTH;
        }
        break;
    case RX_LENGTH:
        s_len = byte;
        s_pos = 0u;
        s_state = (s_len == 0u) ? RX_WAIT_SYNC : RX_BODY;
        break;
    case RX_BODY:
        if (byte == 0x7Du) {
            s_state = RX_ESCAPED;
            break;
        }
        s_buf[s_pos++] = byte;
        if (s_pos >= s_len) {
            if (s_buf[0] == 0x90u) {
                gateway_forward_status(&s_buf[1], nodes);
            }
            s_state = RX_WAIT_SYNC;
        }
        break;
    case RX_ESCAPED:
        s_buf[s_pos++] = (uint8_t)(byte ^ 0x20u);
        s_state = (s_pos >= s_len) ? RX_WAIT_SYNC : RX_BODY;
        break;
    }
}
"""


def firmware_files() -> dict[str, tuple[str, str, Person]]:
    """Relative path -> (brief, code, author) of every sample C file."""
    f4, f7 = "firmware/stm32f4_sensor_node", "firmware/stm32f7_gateway"
    return {
        f"{f4}/include/board.h": ("Board definitions of the STM32F407VG sensor node", _BOARD_F4, TOBIAS),
        f"{f4}/include/uart.h": ("Interrupt-driven USART1 driver (STM32F4)", _render(_UART_H, "f4"), TOBIAS),
        f"{f4}/include/spi.h": ("SPI1 master driver for the external flash", _SPI_H, TOBIAS),
        f"{f4}/include/adc.h": ("ADC1 driver and NTC temperature", _ADC_H, INGRID),
        f"{f4}/src/uart.c": ("Interrupt-driven USART1 driver (STM32F4)", _render(_UART_C, "f4"), TOBIAS),
        f"{f4}/src/spi.c": ("SPI1 master driver for the external flash", _SPI_C, TOBIAS),
        f"{f4}/src/adc.c": ("ADC1 driver and NTC temperature in Kelvin", _ADC_C, INGRID),
        f"{f4}/src/cmd_parser.c": ("Command dispatcher of the frame protocol", _cmd_parser_c(), TOBIAS),
        f"{f4}/include/cmd_parser.h": ("Frame decoder and command dispatcher", _CMD_PARSER_H, TOBIAS),
        f"{f4}/src/main.c": ("Sensor node main loop", _MAIN_F4, TOBIAS),
        f"{f7}/include/board.h": ("Board definitions of the STM32F767ZI gateway", _BOARD_F7, TOBIAS),
        f"{f7}/include/config.h": ("Gateway deployment configuration", _CONFIG_H, TOBIAS),
        f"{f7}/include/uart.h": ("Interrupt-driven USART1 driver (STM32F7)", _render(_UART_H, "f7"), TOBIAS),
        f"{f7}/include/can.h": ("bxCAN1 driver for the vehicle network", _CAN_H, TOBIAS),
        f"{f7}/src/uart.c": ("Interrupt-driven USART1 driver (STM32F7)", _render(_UART_C, "f7"), TOBIAS),
        f"{f7}/src/can.c": ("bxCAN1 driver for the vehicle network", _CAN_C, TOBIAS),
        f"{f7}/src/gateway_frame.c": ("RS-485 frame decoder of the gateway", _GATEWAY_FRAME_C, TOBIAS),
        f"{f7}/src/main.c": ("Gateway main loop", _MAIN_F7, TOBIAS),
    }
