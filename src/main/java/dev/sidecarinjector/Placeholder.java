package dev.sidecarinjector;
class Placeholder {}
