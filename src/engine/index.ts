/**
 * Switches the engine on: importing this module registers the fast implementations with the hooks
 * that the readable code defines. src/index.ts imports it for its effect; nothing else outside
 * src/engine/ does.
 */
import "./fastTraining";
