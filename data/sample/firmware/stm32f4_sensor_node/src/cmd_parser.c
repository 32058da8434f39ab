/**
 * @file    cmd_parser.c
 * @brief   Command dispatcher of the frame protocol
 * @author  Tobias Brenner <tobias.brenner@kestrel-dynamics.example>
 * @copyright (c) 2024 Kestrel Dynamics GmbH. Company Confidential.
 */
#include <stddef.h>
#include <stdint.h>
#include "adc.h"
#include "uart.h"

/** Command codes of the frame protocol (SPEC-UART-001, section 4). */
typedef enum {
    CMD_PING = 0x01,
    CMD_GET_SPECTRUM = 0x10,
    CMD_SET_SAMPLE_RATE = 0x21,
    CMD_SET_FFT_POINTS = 0x22,
    CMD_SET_WINDOW = 0x23,
    CMD_SET_AVERAGES = 0x24,
    CMD_SET_REPORT_PERIOD = 0x25,
    CMD_SET_ALARM_LEVEL = 0x26,
    CMD_SET_ALARM_BAND_LO = 0x27,
    CMD_SET_ALARM_BAND_HI = 0x28,
    CMD_SET_NODE_ID = 0x29,
    CMD_SET_BAUD_INDEX = 0x2A,
    CMD_SET_TEMP_OFFSET = 0x2B,
    CMD_SET_LED_MODE = 0x2C,
    CMD_GET_DIAGNOSTICS = 0x40,
    CMD_SAVE_CONFIG = 0x41,
    CMD_RESET = 0x4F,
    CMD_NACK = 0x7E
} cmd_code_t;

/** Negative return values of cmd_execute(). */
typedef enum {
    CMD_OK = 0,
    CMD_ERR_UNKNOWN = 1,
    CMD_ERR_LENGTH = 2,
    CMD_ERR_RANGE = 3,
    CMD_ERR_FLASH = 4
} cmd_error_t;

/** Persistent node configuration, stored twice in the SPI flash configuration area. */
typedef struct {
    uint16_t sample_rate_hz;
    uint16_t fft_points;
    uint8_t window;
    uint8_t averages;
    uint32_t report_period_s;
    uint16_t alarm_level_mg;
    uint16_t alarm_band_lo_hz;
    uint16_t alarm_band_hi_hz;
    uint8_t node_id;
    uint8_t baud_index;
    uint8_t temp_offset_dk;
    uint8_t led_mode;
    uint16_t crc;
} node_config_t;

typedef struct {
    uint8_t code;
    uint8_t len;
    uint8_t payload[250];
} cmd_response_t;

typedef struct {
    uint8_t axis;
    uint8_t pending;
} spectrum_request_t;

static node_config_t s_config;
static uint8_t s_config_dirty;
static uint8_t s_reset_pending;
static spectrum_request_t s_spectrum_request;
extern volatile uint32_t s_uptime_s;

extern uint16_t crc16_ccitt(const uint8_t *data, size_t len);
extern int flash_write_config(const node_config_t *config);

/**
 * @brief Execute one decoded command frame and build the response.
 *
 * Called from the main loop for every frame with a valid CRC-16. Configuration commands
 * are range-checked, applied to the RAM copy and flagged for the next flash write.
 *
 * @param cmd     command code (see SPEC-UART-001, section 4)
 * @param payload payload bytes, little-endian values
 * @param len     payload length in bytes
 * @param rsp     response frame to fill
 * @return 0 on success, a negative cmd_error_t otherwise
 */
int cmd_execute(uint8_t cmd, const uint8_t *payload, uint8_t len, cmd_response_t *rsp)
{
    uint32_t value = 0u;
    int result = CMD_OK;

    rsp->code = (uint8_t)(cmd | 0x80u);
    rsp->len = 0u;
    if (len > 4u && cmd >= 0x20u && cmd < 0x30u) {
        return -CMD_ERR_LENGTH;
    }
    for (uint8_t i = 0u; i < len && i < 4u; i++) {
        value |= (uint32_t)payload[i] << (8u * i);
    }

    switch (cmd) {
    case CMD_PING:
        rsp->payload[0] = (uint8_t)(s_uptime_s & 0xFFu);
        rsp->payload[1] = (uint8_t)((s_uptime_s >> 8) & 0xFFu);
        rsp->len = 2u;
        break;

    case CMD_GET_SPECTRUM:
        if (len != 1u || payload[0] > 2u) {
            result = -CMD_ERR_RANGE;
            break;
        }
        s_spectrum_request.axis = payload[0];
        s_spectrum_request.pending = 1u;
        break;

    case CMD_SET_SAMPLE_RATE:  /* 0x21: Hz, ADXL355 output data rate */
        if (value < 100u || value > 25600u) {
            result = -CMD_ERR_RANGE;
            break;
        }
        s_config.sample_rate_hz = (uint16_t)value;
        s_config_dirty = 1u;
        break;

    case CMD_SET_FFT_POINTS:  /* 0x22: power of two */
        if (value < 256u || value > 4096u) {
            result = -CMD_ERR_RANGE;
            break;
        }
        s_config.fft_points = (uint16_t)value;
        s_config_dirty = 1u;
        break;

    case CMD_SET_WINDOW:  /* 0x23: 0 rect, 1 Hann, 2 Hamming, 3 flat-top */
        if (value < 0u || value > 3u) {
            result = -CMD_ERR_RANGE;
            break;
        }
        s_config.window = (uint8_t)value;
        s_config_dirty = 1u;
        break;

    case CMD_SET_AVERAGES:  /* 0x24: spectra averaged per report */
        if (value < 1u || value > 64u) {
            result = -CMD_ERR_RANGE;
            break;
        }
        s_config.averages = (uint8_t)value;
        s_config_dirty = 1u;
        break;

    case CMD_SET_REPORT_PERIOD:  /* 0x25: seconds */
        if (value < 10u || value > 86400u) {
            result = -CMD_ERR_RANGE;
            break;
        }
        s_config.report_period_s = (uint32_t)value;
        s_config_dirty = 1u;
        break;

    case CMD_SET_ALARM_LEVEL:  /* 0x26: milli-g RMS */
        if (value < 10u || value > 16000u) {
            result = -CMD_ERR_RANGE;
            break;
        }
        s_config.alarm_level_mg = (uint16_t)value;
        s_config_dirty = 1u;
        break;

    case CMD_SET_ALARM_BAND_LO:  /* 0x27: Hz */
        if (value < 1u || value > 12800u) {
            result = -CMD_ERR_RANGE;
            break;
        }
        s_config.alarm_band_lo_hz = (uint16_t)value;
        s_config_dirty = 1u;
        break;

    case CMD_SET_ALARM_BAND_HI:  /* 0x28: Hz */
        if (value < 1u || value > 12800u) {
            result = -CMD_ERR_RANGE;
            break;
        }
        s_config.alarm_band_hi_hz = (uint16_t)value;
        s_config_dirty = 1u;
        break;

    case CMD_SET_NODE_ID:  /* 0x29: RS-485 address */
        if (value < 1u || value > 32u) {
            result = -CMD_ERR_RANGE;
            break;
        }
        s_config.node_id = (uint8_t)value;
        s_config_dirty = 1u;
        break;

    case CMD_SET_BAUD_INDEX:  /* 0x2A: 9600 .. 460800 baud */
        if (value < 0u || value > 4u) {
            result = -CMD_ERR_RANGE;
            break;
        }
        s_config.baud_index = (uint8_t)value;
        s_config_dirty = 1u;
        break;

    case CMD_SET_TEMP_OFFSET:  /* 0x2B: deci-Kelvin, 100 = zero */
        if (value < 0u || value > 200u) {
            result = -CMD_ERR_RANGE;
            break;
        }
        s_config.temp_offset_dk = (uint8_t)value;
        s_config_dirty = 1u;
        break;

    case CMD_SET_LED_MODE:  /* 0x2C: off, heartbeat, alarm only */
        if (value < 0u || value > 2u) {
            result = -CMD_ERR_RANGE;
            break;
        }
        s_config.led_mode = (uint8_t)value;
        s_config_dirty = 1u;
        break;

    case CMD_GET_DIAGNOSTICS: {
        stm32f4_uart_errors_t errors;
        stm32f4_uart_get_errors(&errors);
        rsp->payload[0] = (uint8_t)errors.framing;
        rsp->payload[1] = (uint8_t)errors.noise;
        rsp->payload[2] = (uint8_t)errors.overrun;
        rsp->payload[3] = (uint8_t)errors.rx_full;
        rsp->payload[4] = (uint8_t)(adc_read_temperature_dk() / 10u);
        rsp->len = 5u;
        break;
    }

    case CMD_SAVE_CONFIG:
        if (s_config_dirty != 0u) {
            s_config.crc = crc16_ccitt((const uint8_t *)&s_config, offsetof(node_config_t, crc));
            if (flash_write_config(&s_config) != 0) {
                result = -CMD_ERR_FLASH;
                break;
            }
            s_config_dirty = 0u;
        }
        break;

    case CMD_RESET:
        /* Answer first, then reset through the AIRCR register once the frame has left. */
        s_reset_pending = 1u;
        break;

    default:
        result = -CMD_ERR_UNKNOWN;
        break;
    }

    if (result != CMD_OK) {
        rsp->code = CMD_NACK;
        rsp->payload[0] = cmd;
        rsp->payload[1] = (uint8_t)(-result);
        rsp->len = 2u;
    }
    return result;
}
