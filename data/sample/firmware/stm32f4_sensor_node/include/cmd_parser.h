/**
 * @file    cmd_parser.h
 * @brief   Frame decoder and command dispatcher
 * @author  Tobias Brenner <tobias.brenner@kestrel-dynamics.example>
 * @copyright (c) 2024 Kestrel Dynamics GmbH. Company Confidential.
 */
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
