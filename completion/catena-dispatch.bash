# bash completion for catena-dispatch. Subcommands and options are read from the program's own
# --help, so completion never goes stale; themes from the user's and the installed themes dirs.
_catena_dispatch()
{
    local cur prev words cword
    _init_completion 2>/dev/null || {
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    }
    local prog=${words[0]}
    case $prev in
        --config|--script|--log) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --theme)
            local dirs=("${XDG_CONFIG_HOME:-$HOME/.config}/catena-dispatch/themes"
                        "$(dirname "$(dirname "$(command -v "$prog")")")/share/catena-dispatch/themes")
            local names="default mono" d
            for d in "${dirs[@]}"; do
                [ -d "$d" ] && names+=" $(cd "$d" && ls *.theme 2>/dev/null | sed 's/\.theme$//')"
            done
            COMPREPLY=($(compgen -W "$names" -- "$cur")); return ;;
        --priority) COMPREPLY=($(compgen -W "low medium high" -- "$cur")); return ;;
    esac
    local sub="" i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in -*) ;; *) sub=${words[i]}; break ;; esac
    done
    if [ -z "$sub" ]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$("$prog" --help 2>/dev/null | grep -o -- '--[a-z-]*' | sort -u)" -- "$cur"))
        else
            local subs
            subs=$("$prog" help 2>/dev/null | awk '/^Subcommands/ {on=1; next} on && /^  [a-z]/ {print $1} /^$/ {on=0}')
            COMPREPLY=($(compgen -W "$subs help config" -- "$cur"))
        fi
        return
    fi
    if [ "$sub" = config ]; then
        if [ "$cword" -eq $((i + 1)) ]; then
            COMPREPLY=($(compgen -W "init check show" -- "$cur"))
            return
        fi
        sub="config ${words[i+1]}"
    fi
    COMPREPLY=($(compgen -W "$("$prog" $sub --help 2>/dev/null | grep -o -- '--[a-z-]*' | sort -u)" -- "$cur"))
}
complete -F _catena_dispatch catena-dispatch
