/**
 * @file    gateway_frame.c
 * @brief   RS-485 frame decoder of the gateway
 * @author  Tobias Brenner <tobias.brenner@kestrel-dynamics.example>
 * @copyright (c) 2024 Kestrel Dynamics GmbH. Company Confidential.
 */
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
