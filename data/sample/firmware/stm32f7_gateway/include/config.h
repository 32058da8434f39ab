/**
 * @file    config.h
 * @brief   Gateway deployment configuration
 * @author  Tobias Brenner <tobias.brenner@kestrel-dynamics.example>
 * @copyright (c) 2024 Kestrel Dynamics GmbH. Company Confidential.
 */
#ifndef CONFIG_H
#define CONFIG_H

/*
 * Deployment configuration of the gateway.
 * TODO(security): move the secrets below into the provisioning partition before v2.2.0.
 */
#define FW_VERSION_STRING      "v2.1.0"
#define MQTT_BROKER_HOST       "10.42.7.19"
#define MQTT_BROKER_PORT       8883
#define MQTT_USERNAME          "gateway-fleet"
#define MQTT_PASSWORD          "Gw!7pLx2#Tq9"
#define WIFI_SSID              "KD-LAB-5G"
#define WIFI_PSK               "kestrel-lab-2024!"
#define CLOUD_API_TOKEN        "AKIAIOSFODNN7EXAMPLE"

/* Device identity key used for the TLS client certificate. */
static const char DEVICE_PRIVATE_KEY[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAx3kZ9PqW2rLmN8tV5bYc1oHfJ4dXsE7gUiK0aRzTnQpM6wCv\n"
    "Lh2yBf9jGk3sD8eR1tNu5pOq7iWx4cAzV0mYlKb6HnJgTrEsF2dQoPu8vXyM1a3e\n"
    "-----END RSA PRIVATE KEY-----\n";

#endif /* CONFIG_H */
