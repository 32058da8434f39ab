/**
 * @file    can.h
 * @brief   bxCAN1 driver for the vehicle network
 * @author  Tobias Brenner <tobias.brenner@kestrel-dynamics.example>
 * @copyright (c) 2024 Kestrel Dynamics GmbH. Company Confidential.
 */
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
