/**
 * Every chapter's exercises. Importing a chapter file registers its exercises with `exercise()`.
 * One line per chapter file (content helpers: add only your own line).
 */
import "./example";
import "./ch05";
import "./ch06";
import "./ch07";
import "./ch01";
import "./ch02";
import "./ch03";
import "./ch04";
