// workerpool needs a worker script that registers its methods; it reuses the
// same task functions as piscina and tinypool.
import workerpool from 'workerpool';
import { echo, fibs, squares, sums } from './tasks.mjs';

workerpool.worker({ echo, fibs, squares, sums });
