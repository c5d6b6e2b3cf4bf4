/**
 * The files of a folder picked or dropped on the page, with paths inside the folder (`onnx/model.onnx`),
 * whatever way the browser hands them over.
 */
import type { ImportedFile } from '../engine/protocol.ts';

/** Files of a picked or dropped folder, with paths relative to the folder itself. */
export function folderFiles(files: File[]): { name: string; files: ImportedFile[] } {
  const withPaths = files.map((file) => ({ file, path: file.webkitRelativePath || file.name }));
  const root = withPaths[0]?.path.split('/')[0] ?? 'model';
  const strip = withPaths.every((entry) => entry.path.startsWith(`${root}/`));
  return {
    name: root,
    files: withPaths.map(({ file, path }) => ({ file, path: strip ? path.slice(root.length + 1) : path })),
  };
}

export async function droppedFiles(items: DataTransferItemList): Promise<File[]> {
  const files: File[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject),
      );
      files.push(new File([file], file.name, { type: file.type }));
      Object.defineProperty(files[files.length - 1], 'webkitRelativePath', {
        value: `${prefix}${file.name}`,
      });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
          reader.readEntries(resolve, reject),
        );
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const item of [...items]) {
    const entry = item.webkitGetAsEntry();
    if (entry) await walk(entry, '');
  }
  return files;
}
