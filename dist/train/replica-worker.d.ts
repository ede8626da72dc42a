import './layers.ts';
