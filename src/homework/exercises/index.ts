/**
 * Every chapter's exercises. Importing a chapter file registers its exercises with `exercise()`.
 * One line per homework (a folder with one file per exercise and an index) (content helpers: add only your own line).
 */
import "./example";
import "./hw05";
import "./hw06";
import "./hw07";
import "./hw01";
import "./hw02";
import "./hw03";
import "./hw04";
