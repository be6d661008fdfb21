package dev.ragback.config;

/** traffic.mode: how ragback sets the traffic (a file, a command, an HTTP endpoint). Written in lower case in the config. */
public enum TrafficMode {
    FILE, COMMAND, HTTP
}
