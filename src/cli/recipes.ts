import type { Command } from 'commander';
import { describeRecipe, getRecipe, RECIPES } from '../train/recipes.ts';

export function register(program: Command): void {
  program
    .command('recipes')
    .description('list the recipes (a pipeline and training settings measured together) that convert --recipe and train use')
    .argument('[name]', 'show only this recipe')
    .option('--json', 'print the recipes as JSON (pipeline spec and training settings)')
    .action((name: string | undefined, opts: { json?: boolean }) => {
      const recipes = name === undefined ? [...RECIPES] : [getRecipe(name)];
      process.stdout.write(opts.json ? `${JSON.stringify(recipes, null, 2)}\n` : `${recipes.map(describeRecipe).join('\n\n')}\n`);
    });
}
