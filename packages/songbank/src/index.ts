export type { Cell, Pattern, Sample, Song, SongFormat } from './song.js';
