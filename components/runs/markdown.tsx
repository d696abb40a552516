/**
 * Renders agent output markdown (lib/markdown) as React elements. Text is always a React
 * child, so it is escaped; there is no dangerouslySetInnerHTML and links are not clickable
 * (their target is shown as text), so output can't inject markup or scripts.
 */
import { memo, useMemo, type ReactNode } from "react";
import { parseMarkdown, type Block, type Inline } from "@/lib/markdown/parse";

function renderInline(spans: readonly Inline[]): ReactNode[] {
  return spans.map((span, i) => {
    switch (span.type) {
      case "text":
        return span.text;
      case "code":
        return (
          <code key={i} className="rounded bg-zinc-100 px-1 py-px font-mono text-[0.92em]">
            {span.text}
          </code>
        );
      case "strong":
        return <strong key={i}>{renderInline(span.children)}</strong>;
      case "em":
        return <em key={i}>{renderInline(span.children)}</em>;
      case "link":
        return (
          <span key={i} className="text-sky-700 underline decoration-dotted" title={span.href}>
            {renderInline(span.children)}
            {span.href ? <span className="text-zinc-400"> ({span.href})</span> : null}
          </span>
        );
    }
  });
}

const HEADING_CLASS = ["text-lg font-semibold", "text-base font-semibold", "text-sm font-semibold", "text-sm font-medium"];

function renderBlock(block: Block, i: number): ReactNode {
  switch (block.type) {
    case "heading":
      return (
        <div key={i} role="heading" aria-level={block.level} className={`mt-2 ${HEADING_CLASS[Math.min(block.level, 4) - 1]}`}>
          {renderInline(block.children)}
        </div>
      );
    case "paragraph":
      return (
        <p key={i} className="whitespace-pre-wrap">
          {renderInline(block.children)}
        </p>
      );
    case "code":
      return (
        <pre key={i} className="overflow-x-auto rounded bg-zinc-900 p-2 font-mono text-[12px] leading-snug text-zinc-100">
          <code>{block.text}</code>
        </pre>
      );
    case "list": {
      const items = block.items.map((item, j) => <li key={j}>{renderInline(item)}</li>);
      return block.ordered ? (
        <ol key={i} start={block.start} className="list-decimal pl-5">
          {items}
        </ol>
      ) : (
        <ul key={i} className="list-disc pl-5">
          {items}
        </ul>
      );
    }
    case "quote":
      return (
        <blockquote key={i} className="border-l-2 border-zinc-300 pl-3 text-zinc-600">
          {block.children.map(renderBlock)}
        </blockquote>
      );
    case "rule":
      return <hr key={i} className="border-zinc-200" />;
  }
}

export const Markdown = memo(function Markdown({ text, testId }: { text: string; testId?: string }) {
  const blocks = useMemo(() => parseMarkdown(text), [text]);
  return (
    <div className="space-y-2 text-[13px] leading-relaxed text-zinc-800" data-testid={testId}>
      {blocks.map(renderBlock)}
    </div>
  );
});
