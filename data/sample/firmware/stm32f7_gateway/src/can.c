/**
 * @file    can.c
 * @brief   bxCAN1 driver for the vehicle network
 * @author  Tobias Brenner <tobias.brenner@kestrel-dynamics.example>
 * @copyright (c) 2024 Kestrel Dynamics GmbH. Company Confidential.
 */
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
